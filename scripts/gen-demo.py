#!/usr/bin/env python3
"""Generates the demo data set in cases/demo/data/ (deterministic: seed 7).

One fictional city (云州市, 江南省) with three counties, about 40 units with
establishment figures on the scale of seed 003, and about 200 cases across
every source and state, replayed by `rectify serve --demo` through the real
ledger service. Names are fictional. Run from the repository root.
"""
import csv, json, random, datetime as dt

random.seed(7)
P, C = "江南省", "云州市"
REGIONS = [("", "YZ"), ("清河县", "QH"), ("安平县", "AP"), ("梅山区", "MS")]
CITY_UNITS = [
    ("中共云州市委办公室", "党的机关"), ("中共云州市委组织部", "党的机关"), ("中共云州市委宣传部", "党的机关"),
    ("云州市人大常委会办公室", "人大机关"), ("云州市人民政府办公室", "政府机关"), ("云州市发展和改革委员会", "政府机关"),
    ("云州市教育局", "政府机关"), ("云州市财政局", "政府机关"), ("云州市人力资源和社会保障局", "政府机关"),
    ("云州市自然资源和规划局", "政府机关"), ("云州市卫生健康委员会", "政府机关"), ("云州市市场监督管理局", "政府机关"),
    ("政协云州市委员会办公室", "政协机关"), ("云州市监察委员会", "监察机关"), ("云州市中级人民法院", "审判机关"),
    ("云州市人民检察院", "检察机关"), ("云州市总工会", "群团机关"), ("云州市工商业联合会", "民主党派和工商联机关"),
    ("云州市第一人民医院", "事业单位"), ("云州市第一中学", "事业单位"), ("云州市城市建设档案馆", "事业单位"),
]
COUNTY_UNITS = [
    ("中共{c}委办公室", "党的机关"), ("{c}人民政府办公室", "政府机关"), ("{c}教育局", "政府机关"),
    ("{c}农业农村局", "政府机关"), ("{c}人民法院", "审判机关"), ("{c}人民医院", "事业单位"),
]
EXTRA = {"清河县": [("清河县水利局", "政府机关")], "梅山区": [("梅山区街道综合执法队", "事业单位")]}

units = []
for county, prefix in REGIONS:
    rows = CITY_UNITS if not county else [(n.format(c=county), k) for n, k in COUNTY_UNITS] + EXTRA.get(county, [])
    for i, (name, kind) in enumerate(rows, 1):
        u = {"code": f"{prefix}{i:03d}", "name": name, "kind": kind, "county": county}
        big = kind == "事业单位"
        scale = 1.0 if not county else 0.6
        if big:
            a = int(random.randint(180, 900) * scale)
            u["事业编制"] = (a, a + random.choice([-30, -12, -5, 0, 3, 14]) if random.random() < 0.3 else a - random.randint(5, 40))
            w = random.randint(5, 25)
            u["工勤编制"] = (w, w - random.randint(0, 4))
            u["posts"] = (random.randint(4, 7),)
        else:
            a = int(random.randint(18, 120) * scale)
            u["行政编制"] = (a, a - random.randint(-3, 9))
            if kind in ("审判机关", "检察机关", "监察机关"):
                z = int(random.randint(40, 160) * scale)
                u["政法专项编制"] = (z, z - random.randint(0, 8))
            s = random.randint(5, 40)
            u["事业编制"] = (s, s - random.randint(-2, 6))
            w = random.randint(2, 10)
            u["工勤编制"] = (w, w - random.randint(0, 2))
            u["posts"] = (random.randint(4, 9),)
        p = u["posts"][0]
        u["posts"] = (p, p + (1 if random.random() < 0.12 else -random.randint(0, 2)))
        u["key"] = random.random() < 0.08
        units.append(u)

types = ["行政编制", "政法专项编制", "事业编制", "工勤编制"]
with open("cases/demo/data/units.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["单位代码", "单位名称", "单位类别", "省", "市", "县"] + [t + s for t in types for s in ("核定", "实有")] + ["领导职数核定", "领导职数实有", "重点管理"])
    for u in units:
        row = [u["code"], u["name"], u["kind"], P, C, u["county"]]
        for t in types:
            row += list(u[t]) if t in u else ["", ""]
        row += [u["posts"][0], u["posts"][1], "是" if u["key"] else "否"]
        w.writerow(row)

KINDS = {
    "A01": ("擅自设立内设机构", "未经机构编制部门批准，{u}于{y}年自行设立“综合协调科”等2个科室，并配备科长1名。"),
    "A02": ("违规加挂牌子", "{u}在办公楼悬挂“{u}服务中心”牌子，该机构未经批准设立，标牌悬挂不规范。"),
    "B01": ("超编进人", "{u}核定编制{a}名、实有{b}人，在已超编的情况下，{y}年以来仍新进人员{n}名。"),
    "B02": ("自定编制", "{u}在内部文件中自行确定下属单位人员编制{n}名，未报机构编制部门审批。"),
    "B03": ("超出下达总量分配编制", "{u}向所属单位分配编制超出上级下达总量{n}名。"),
    "B04": ("混编混岗使用人员", "{u}将事业编制人员{n}名长期安排在机关科室从事行政管理工作，行政、事业人员混岗使用。"),
    "B05": ("重复占编", "实名制数据比对发现，{u}有{n}名人员同时占用本单位和其他单位编制。"),
    "C01": ("超职数配备领导干部", "{u}核定领导职数{a}名，实际配备{b}名，超职数配备{n}名。"),
    "C02": ("超规格配备领导干部", "{u}按规定应配备正科级领导，实际按副处级配备主要负责人。"),
    "D01": ("吃空饷问题", "群众反映{u}有{n}名人员长期不上班但照常领取工资，涉嫌“吃空饷”。"),
    "D02": ("在编不在岗", "核查发现{u}有{n}名在编人员长期被借调或脱岗，在编不在岗。"),
    "D03": ("机关超期借用人员", "{u}从基层单位借用工作人员{n}名，借用期限已超过一年且未办理审批手续。"),
    "D04": ("政府购买服务用工不规范", "{u}以政府购买服务名义招用人员{n}名，实际安排在行政岗位，用工不规范。"),
    "D05": ("应减未减人员未及时核减", "数据比对发现{u}有{n}名已死亡或已达退休年龄人员仍占用编制，未及时办理减员。"),
    "E01": ("违反机构编制管理程序", "{u}调整内设机构职责未履行动议、论证、审议决定程序，未报机构编制部门审核。"),
    "E02": ("实名制信息未及时更新", "{u}人员变动后超过{n}个月未在实名制系统办理出入编手续，信息与实际不一致。"),
}
SOURCES = {
    "patrol": (lambda y, n: f"云巡办移〔{y}〕{n}号", ["internal", "internal", "secret"], "li.ming", "office"),  # the office registers what the patrol office refers
    "audit": (lambda y, n: f"云审移〔{y}〕{n}号", ["internal", "secret"], "li.ming", "office"),
    "hotline": (lambda y, n: f"12310-{y}-{n:04d}", ["internal"], "sun.li", "hotline"),
    # A special inspection's own work plan number: never one of the series
    # the product issues (云编督 notices, 云编督函 letters, 云编销 forms).
    "special": (lambda y, n: f"云编专督〔{y}〕{n}号", ["public", "internal"], "li.ming", "office"),
    "warning": (lambda y, n: f"YJ-{y}-{n:04d}", ["internal"], "zhao.lei", "office"),
    "assessment": (lambda y, n: f"三评合一-{y}-{random.choice(['2.1.3','3.2.1','1.4.2','3.1.4'])}", ["public", "internal"], "zhao.lei", "office"),
}
OFFICE = [{"id": "li.ming", "name": "李明", "role": "office"}, {"id": "zhao.lei", "name": "赵磊", "role": "office"}]
APPROVER = [{"id": "wang.fang", "name": "王芳", "role": "approver"}, {"id": "chen.jing", "name": "陈静", "role": "approver"}]
TARGETS = (["registered"] * 14 + ["verifying"] * 18 + ["dismissed"] * 16 + ["rectifying"] * 36 + ["overdue"] * 22 +
           ["submitted"] * 24 + ["closed"] * 52 + ["reopened"] * 6 + ["transferred"] * 8 + ["returned"] * 4)
random.shuffle(TARGETS)

NOW = dt.datetime(2026, 11, 20, 17, 0)
TZ = "+08:00"
def ts(t): return t.strftime("%Y-%m-%dT%H:%M:%S") + TZ
def later(t, lo, hi):
    t = t + dt.timedelta(days=random.randint(lo, hi))
    while t.weekday() >= 5: t += dt.timedelta(days=1)
    return t.replace(hour=random.randint(9, 17), minute=random.randint(0, 59))

counters = {}
cases = []
for i, target in enumerate(TARGETS):
    # Overdue and closed cases need time behind them; fresh ones are recent.
    if target in ("registered", "verifying"):
        t0 = later(NOW - dt.timedelta(days=30), 0, 25)
    elif target == "overdue":
        t0 = later(dt.datetime(2026, 4, 1, 9), 0, 150)
    elif target in ("rectifying", "returned"):
        t0 = later(dt.datetime(2026, 10, 8, 9), 0, 28)
    elif target == "submitted":
        t0 = later(dt.datetime(2026, 9, 1, 9), 0, 50)
    else:
        t0 = later(dt.datetime(2025, 9, 1, 9), 0, 380)
    if t0 > NOW - dt.timedelta(days=2): t0 = NOW - dt.timedelta(days=20)
    src = random.choice(list(SOURCES))
    reffn, levels, actor_id, role = SOURCES[src]
    counters[(src, t0.year)] = counters.get((src, t0.year), 0) + random.randint(1, 3)
    u = random.choice(units)
    kind = random.choice(list(KINDS))
    title, facts = KINDS[kind]
    a = random.randint(20, 80); n = random.randint(1, 6)
    actor = {"id": actor_id, "role": role, "name": {"zhou.qiang": "周强", "li.ming": "李明", "sun.li": "孙丽", "zhao.lei": "赵磊"}[actor_id]}
    reg = {"source": src, "source_ref": reffn(t0.year, counters[(src, t0.year)]), "unit_code": u["code"], "violation_kind": kind,
           "title": f"{u['name']}{title}", "facts": facts.format(u=u["name"], y=t0.year - 1, a=a, b=a + n, n=n),
           "level": random.choice(levels), "assignee": random.choice(["李明", "赵磊"])}
    steps = []
    t = t0
    off = random.choice(OFFICE)
    def step(action, lo, hi, who, inp=None, comment=""):
        global t
        t = later(t, lo, hi)
        steps.append({"action": action, "at": ts(t), "actor": who, "input": inp or {}, "comment": comment})
    unit_actor = {"id": "unit." + u["code"].lower(), "name": u["name"] + "联络员", "role": "unit"}
    if target != "registered":
        step("start_verification", 1, 4, off)
    if target == "dismissed":
        step("dismiss", 3, 12, off, {"reason": random.choice(["经调阅实名制数据和人事档案，反映问题查无实据。", "经核实，相关人员已按程序办理调动手续，反映情况不属实。"])})
    if target == "transferred":
        if random.random() < 0.5:
            step("order_rectification", 2, 8, off, {"requirements": "立即停止违规行为，限期整改到位并报送整改报告。", "working_days": 20})
        step("transfer", 3, 15, off, {"reference": f"云编移纪〔{t.year}〕{random.randint(1,9)}号"}, "涉嫌违纪，移交市纪委监委")
    if target in ("rectifying", "overdue", "submitted", "closed", "reopened", "returned"):
        days = random.choice([15, 20, 30]) if target != "overdue" else random.choice([10, 15])
        step("order_rectification", 2, 8, off, {"requirements": "1. 立即停止违规行为；2. 按规定清理纠正，" + title + "问题整改到位；3. 整改完成后报送整改报告及佐证材料。", "working_days": days})
        if target == "overdue" and random.random() < 0.3:
            step("extend", 5, 12, random.choice(APPROVER), {"reason": "单位申请延期：涉及人员安置需协调人社、财政部门", "working_days": 10})
    if target in ("submitted", "closed", "reopened", "returned"):
        step("submit", 5, 18, unit_actor, {"report": "已按要求完成整改：" + title + "问题已纠正，相关人员已清理或调整，制定了内部管理制度。", "evidence": ["整改报告.pdf", "人员调整文件.pdf"]})
        if target == "returned" or random.random() < 0.15:
            step("return", 2, 6, off, {"reason": "整改材料不完整，未提供人员清退的具体名单和财政停发工资证明。"})
            if target != "returned":
                step("submit", 4, 10, unit_actor, {"report": "已补充人员清退名单和停发工资证明。", "evidence": ["补充材料.pdf"]})
    if target in ("closed", "reopened"):
        step("confirm", 2, 6, off, {"note": "经实地核查和实名制系统比对，整改到位。"})
        step("close", 1, 4, random.choice(APPROVER), {"note": "同意销号。"})
    if target == "reopened":
        step("reopen", 20, 40, off, {"reason": "回头看发现问题反弹，相关人员仍在原岗位工作。"})
    if steps and dt.datetime.strptime(steps[-1]["at"][:19], "%Y-%m-%dT%H:%M:%S") > NOW:
        # Keep the demo in the past: replay only the steps that have happened.
        steps = [s for s in steps if dt.datetime.strptime(s["at"][:19], "%Y-%m-%dT%H:%M:%S") <= NOW]
    cases.append({"key": "", "registered_at": ts(t0), "actor": actor, "registration": reg, "steps": steps})

cases.sort(key=lambda c: c["registered_at"])
for i, c in enumerate(cases, 1):
    c["key"] = f"demo-{i:04d}"
# Eight submitted cases the office has verified, awaiting the approver's
# closing (待审批销号). Added after the draw, without random numbers, so
# that the rest of the data set stays as it was.
confirmed = 0
for c in cases:
    if confirmed == 8 or not c["steps"] or c["steps"][-1]["action"] != "submit":
        continue
    t = dt.datetime.strptime(c["steps"][-1]["at"][:19], "%Y-%m-%dT%H:%M:%S") + dt.timedelta(days=2)
    while t.weekday() >= 5: t += dt.timedelta(days=1)
    t = t.replace(hour=10, minute=30)
    if t > NOW:
        continue
    c["steps"].append({"action": "confirm", "at": ts(t), "actor": OFFICE[confirmed % 2], "input": {"note": "经实地核查和实名制系统比对，整改到位。"}, "comment": ""})
    confirmed += 1
# The demo liaison (unit.qh001, 中共清河县委办公室) has work of its own:
# one problem in rectification and one whose report was sent back. Added
# last, without random numbers, so that every other case keeps its number.
QH001 = "中共清河县委办公室"
liaison = {"id": "unit.qh001", "name": QH001 + "联络员", "role": "unit"}
for i, (title, kind, returned) in enumerate([("超期借用下属单位人员", "D03", False), ("超职数配备副主任", "C01", True)]):
    t = dt.datetime(2026, 11, 17 + i, 9, 30)
    steps = [
        {"action": "start_verification", "at": ts(t + dt.timedelta(hours=2)), "actor": OFFICE[0], "input": {}, "comment": ""},
        {"action": "order_rectification", "at": ts(t + dt.timedelta(hours=5)), "actor": OFFICE[0],
         "input": {"requirements": "1. 立即停止违规行为；2. 限期整改到位；3. 报送整改报告及佐证材料。", "working_days": 20}, "comment": ""},
    ]
    if returned:
        steps += [
            {"action": "submit", "at": ts(t + dt.timedelta(days=1)), "actor": liaison,
             "input": {"report": "已完成整改，多配的副主任已免职。", "evidence": ["免职文件.pdf"]}, "comment": ""},
            {"action": "return", "at": ts(t + dt.timedelta(days=2, hours=1)), "actor": OFFICE[1],
             "input": {"reason": "未附干部任免审批表和实名制系统调整截图，请补充后重新报送。"}, "comment": ""},
        ]
    cases.append({"key": f"demo-{len(cases) + 1:04d}", "registered_at": ts(t), "actor": OFFICE[0],
                  "registration": {"source": "patrol", "source_ref": "云巡办移〔2026〕31号", "unit_code": "QH001", "violation_kind": kind,
                                   "title": QH001 + title, "facts": "县委第二巡察组移交：" + QH001 + title + "，需限期整改。", "level": "internal", "assignee": "李明"},
                  "steps": steps})
with open("cases/demo/data/cases.json", "w", encoding="utf-8") as f:
    json.dump({"version": 1, "cases": cases}, f, ensure_ascii=False, indent=1)
print(len(units), "units,", len(cases), "cases")
