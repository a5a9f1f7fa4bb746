"""The demo accounts, listed in README.md. One place, so README and tests agree."""

from __future__ import annotations

DEMO_PASSWORD = "Demo-2026"

# (username, 姓名, mobile, role, where) — "where" is an enterprise key or an agency key.
ENTERPRISE_ACCOUNTS = [
    ("huagong_zz", "王建国", "13900000101", "main_leader", "whp"),
    ("huagong_aqzj", "李安平", "13900000102", "safety_director", "whp"),
    ("huagong_aq", "张安全", "13900000103", "safety_officer", "whp"),
    ("huagong_cj", "赵车间", "13900000104", "dept_head", "whp"),
    ("huagong_bz", "钱班长", "13900000105", "team_leader", "whp"),
    ("huagong_cz1", "孙操作", "13900000106", "worker", "whp"),
    ("huagong_cz2", "周巡检", "13900000107", "worker", "whp"),
    ("ruye_zz", "陈乳业", "13900000201", "main_leader", "dairy"),
    ("ruye_aq", "刘安全", "13900000202", "safety_officer", "dairy"),
    ("ruye_bz", "杨班长", "13900000203", "team_leader", "dairy"),
    ("ruye_gy1", "吴灌装", "13900000204", "worker", "dairy"),
    ("ruye_zl1", "郑制冷", "13900000205", "worker", "dairy"),
    ("zhongjian_zz", "冯项目", "13900000301", "main_leader", "construction"),
    ("zhongjian_aq", "何安全", "13900000302", "safety_officer", "construction"),
    ("zhongjian_tc1", "吕塔吊", "13900000303", "worker", "construction"),
    ("gongjiao_zz", "许公交", "13900000401", "main_leader", "bus"),
    ("gongjiao_aq", "朱安全", "13900000402", "safety_officer", "bus"),
    ("gongjiao_sj1", "高驾驶", "13900000403", "worker", "bus"),
    ("jixie_aq", "林安全", "13900000501", "safety_officer", "zy_machinery"),
    ("shangmao_aq", "罗安全", "13900000601", "safety_officer", "zy_commerce"),
]

# (username, 姓名, mobile, role, agency key, jurisdiction region code or None)
REGULATOR_ACCOUNTS = [
    ("erqi_jgj", "马监管", "13800000001", "district_supervisor", "erqi", None),
    ("erqi_huaihe", "胡网格", "13800000002", "street_staff", "erqi", "410103001"),
    ("erqi_hangye", "郭行业", "13800000003", "industry_dept", "erqi", None),
    ("zy_jgj", "宋监管", "13800000011", "district_supervisor", "zhongyuan", None),
    ("zz_city", "唐市局", "13800000021", "city_readonly", "city", None),
    ("ha_province", "韩省厅", "13800000031", "province_readonly", "province", None),
]

OPERATOR = ("admin", "系统管理员")
