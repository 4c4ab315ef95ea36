"""Personal-name mask (R3): keep the surname, compound surnames included, hide the given name."""

from access.masking.suppress import MASK_CHAR

COMPOUND_SURNAMES = frozenset(
    {
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "西门", "轩辕", "申屠",
        "万俟", "闻人", "赫连", "澹台", "公冶", "宗政", "濮阳", "淳于", "太叔", "仲孙",
        "钟离", "司空", "呼延", "拓跋", "鲜于", "闾丘", "公羊", "东郭",
    }
)  # fmt: skip


def mask_name(name: str) -> str:
    """"张三丰" -> "张**", "欧阳娜娜" -> "欧阳**"; a one-character name is hidden entirely."""
    if len(name) <= 1:
        return MASK_CHAR * len(name)
    surname_length = 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:surname_length] + MASK_CHAR * (len(name) - surname_length)
