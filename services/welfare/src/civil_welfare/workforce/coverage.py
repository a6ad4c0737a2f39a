"""Where a child director or supervisor is missing (覆盖情况).

The township-level units are the 28 of Tianmen's statistical division codes
(DOMAIN.md: 25 streets, towns and the township, two farms and a management
committee). Villages are only those this service knows of: the division tree
belongs to the governance service, which this service does not ask (yet). A village
is known when it appears in a child file or a support case, once had a director, or is
named in the request. A village with no child on file and no director ever is
therefore not listed unless asked for.
"""

from typing import Final

from civil_shared.types import TIANMEN

#: Tianmen's township-level units by statistical code (2023), as DOMAIN.md lists them.
TOWNSHIPS: Final[dict[str, str]] = {
    f"{TIANMEN}{suffix}": name
    for suffix, name in (
        ("001", "竟陵街道"),
        ("002", "侯口街道"),
        ("003", "杨林街道"),
        ("100", "多宝镇"),
        ("101", "拖市镇"),
        ("102", "张港镇"),
        ("103", "蒋场镇"),
        ("104", "汪场镇"),
        ("105", "渔薪镇"),
        ("106", "黄潭镇"),
        ("107", "岳口镇"),
        ("108", "横林镇"),
        ("109", "彭市镇"),
        ("110", "麻洋镇"),
        ("111", "多祥镇"),
        ("112", "干驿镇"),
        ("113", "马湾镇"),
        ("114", "卢市镇"),
        ("115", "小板镇"),
        ("116", "九真镇"),
        ("118", "皂市镇"),
        ("119", "胡市镇"),
        ("120", "石家河镇"),
        ("121", "佛子山镇"),
        ("201", "净潭乡"),
        ("450", "蒋湖农场"),
        ("451", "白茅湖农场"),
        ("452", "沉湖管委会"),
    )
}

NOTE = (
    "乡镇（街道）名单为天门市28个乡级统计区划；村（社区）名单仅为本服务已知的村："
    "有儿童档案、孤儿或事实无人抚养儿童记录、曾有儿童主任，或在查询参数 village_codes 中"
    "列出的村。完整的村（社区）名录由基层治理服务维护，暂未接入，未出现在上述来源中的村不会列出。"
)
