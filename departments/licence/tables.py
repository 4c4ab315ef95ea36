"""Table of the electronic-licence registry; column names are the department's own and form a contract."""

from sqlalchemy import Column, Date, MetaData, String, Table

metadata = MetaData()

dzzz_zzxx = Table(
    "dzzz_zzxx",
    metadata,
    Column("zzbs", String(128), primary_key=True, comment="证照标识 GB/T 36904"),
    Column("zzlxdm", String(21), comment="证照类型代码"),
    Column("zzlxmc", String(100), comment="证照类型名称"),
    Column("zzbh", String(64), comment="证照编号"),
    Column("czzt", String(200), comment="持证主体"),
    Column("czztdm", String(18), index=True, comment="持证主体代码"),
    Column("czztdmlx", String(3), comment="持证主体代码类型代码: 111 公民身份号码, 001 统一社会信用代码"),
    Column("zzbfjg", String(200), comment="证照颁发机构"),
    Column("zzbfjgdm", String(18), comment="证照颁发机构代码"),
    Column("zzbfrq", Date, comment="证照颁发日期"),
    Column("zzyxqqsrq", Date, comment="证照有效期起始日期"),
    Column("zzyxqjzrq", Date, nullable=True, comment="证照有效期截止日期, 空为长期"),
    Column("zzzt", String(1), comment="证照状态代码"),
    comment="电子证照信息",
    mysql_charset="utf8mb4",
)
