"""Table of the legal-entity registry; column names are the department's own and form a contract."""

from sqlalchemy import Column, Date, MetaData, Numeric, String, Table

metadata = MetaData()

fr_jbxx = Table(
    "fr_jbxx",
    metadata,
    Column("tyshxydm", String(18), primary_key=True, comment="统一社会信用代码 GB 32100"),
    Column("mc", String(200), comment="名称"),
    Column("ztlx", String(4), comment="市场主体类型代码"),
    Column("fddbr", String(50), comment="法定代表人(负责人、经营者)姓名"),
    Column("fddbrzjhm", String(18), index=True, comment="法定代表人身份号码"),
    Column("clrq", Date, comment="成立日期"),
    Column("zczb", Numeric(18, 4), comment="注册资本(出资额), 万元"),
    Column("bz", String(3), comment="币种 GB/T 12406"),
    Column("zs", String(200), comment="住所"),
    Column("jyfw", String(1000), comment="经营范围"),
    Column("djjg", String(100), comment="登记机关"),
    Column("djzt", String(1), comment="登记状态代码"),
    Column("hydm", String(5), comment="行业代码 GB/T 4754-2017"),
    Column("lxdh", String(20), comment="联系电话"),
    comment="法人基本信息",
    mysql_charset="utf8mb4",
)
