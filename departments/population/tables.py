"""Table of the population registry; column names are the department's own and form a contract."""

from sqlalchemy import Column, Date, MetaData, String, Table

metadata = MetaData()

rk_jbxx = Table(
    "rk_jbxx",
    metadata,
    Column("gmsfhm", String(18), primary_key=True, comment="公民身份号码"),
    Column("xm", String(50), nullable=False, comment="姓名"),
    Column("cym", String(50), nullable=True, comment="曾用名"),
    Column("xbdm", String(1), comment="性别代码 GB/T 2261.1"),
    Column("mzdm", String(2), comment="民族代码 GB/T 3304"),
    Column("csrq", Date, comment="出生日期"),
    Column("csdssxdm", String(6), comment="出生地省市县代码 GB/T 2260"),
    Column("hjdssxdm", String(6), comment="户籍地省市县代码 GB/T 2260"),
    Column("hjdz", String(200), comment="户籍地址"),
    Column("xzz", String(200), comment="现住址"),
    Column("hyzkdm", String(2), comment="婚姻状况代码 GB/T 4766"),
    Column("whcddm", String(2), comment="学历代码 GB/T 4658"),
    Column("lxdh", String(20), comment="联系电话"),
    Column("ryztdm", String(1), comment="人员状态代码"),
    Column("swrq", Date, nullable=True, comment="死亡日期"),
    Column("zjxydm", String(2), nullable=True, comment="宗教信仰代码 (不予共享)"),
    comment="人口基本信息",
    mysql_charset="utf8mb4",
)
