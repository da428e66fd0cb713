"""Plausible, distinct company names for the demo's sample companies (English and Chinese).

A name is made of parts (a word, a trade, a legal form; a city, a brand, a trade), drawn without
repeats, so a portfolio of hundreds reads like a real one: no "Maple & Pine Home 2".
"""

from __future__ import annotations

import random
from collections.abc import Iterator

EN_WORDS = (
    "Brightway",
    "Northstar",
    "Koala",
    "Maple & Pine",
    "Aurora",
    "Blue Fjord",
    "Sakura",
    "Alpine",
    "Seoul Glow",
    "Andes",
    "Lumen",
    "Riviera",
    "Evergreen",
    "Harbour",
    "Silver Birch",
    "Coral Bay",
    "Red Kite",
    "Nordic",
    "Golden Wattle",
    "Highland",
    "Pacific Crest",
    "Tasman",
    "Lakeside",
    "Oakmont",
    "Cedar",
    "Juniper",
    "Meridian",
    "Kiwi",
    "Bluebell",
    "Santorini",
    "Danube",
    "Bamboo Grove",
    "Sunrise",
    "Twin Rivers",
    "Copper Leaf",
    "Whitestone",
)
EN_TRADES = (
    "Beauty",
    "Organics",
    "Home",
    "Baby Care",
    "Seafood",
    "Wellness",
    "Sports",
    "Cosmetics",
    "Coffee Traders",
    "Pet Supplies",
    "Fashion",
    "Nutrition",
    "Skincare",
    "Wines",
    "Kitchenware",
    "Outdoor",
    "Health Foods",
    "Toys",
    "Dairy",
    "Apparel",
    "Naturals",
    "Supplements",
)
EN_FORMS = ("Ltd", "Pty Ltd", "GmbH", "Co.", "Inc.", "KK", "Srl", "AB", "BV", "LLC")

ZH_CITIES = (
    "杭州",
    "上海",
    "深圳",
    "广州",
    "宁波",
    "厦门",
    "成都",
    "苏州",
    "南京",
    "青岛",
    "天津",
    "武汉",
    "重庆",
    "义乌",
    "东莞",
    "福州",
    "长沙",
    "郑州",
    "西安",
    "合肥",
    "无锡",
    "佛山",
)
ZH_BRANDS = (
    "优品",
    "海淘",
    "跨境通",
    "美妆优选",
    "母婴之家",
    "健康生活",
    "天府",
    "雅居",
    "鲜果源",
    "悦享",
    "佳禾",
    "星辰",
    "云帆",
    "汇通",
    "博雅",
    "锦程",
    "瑞丰",
    "乐活",
    "臻选",
    "森语",
    "嘉和",
    "润泽",
    "百味",
    "青禾",
    "蓝海",
    "暖阳",
)
ZH_TRADES = (
    "电子商务",
    "供应链管理",
    "贸易",
    "科技",
    "进出口",
    "品牌管理",
    "家居用品",
    "食品",
    "国际物流",
    "化妆品",
    "母婴用品",
    "网络科技",
    "商贸",
    "健康科技",
)


def _en(rng: random.Random) -> str:
    return f"{rng.choice(EN_WORDS)} {rng.choice(EN_TRADES)} {rng.choice(EN_FORMS)}"


def _zh(rng: random.Random) -> str:
    return f"{rng.choice(ZH_CITIES)}{rng.choice(ZH_BRANDS)}{rng.choice(ZH_TRADES)}有限公司"


def capacity() -> int:
    """How many distinct names there are in each language (the smaller of the two)."""
    return min(
        len(EN_WORDS) * len(EN_TRADES) * len(EN_FORMS),
        len(ZH_CITIES) * len(ZH_BRANDS) * len(ZH_TRADES),
    )


def company_names(rng: random.Random, taken: set[str] | None = None) -> Iterator[tuple[str, bool]]:
    """Endless (name, chinese) pairs, each name new (and not in ``taken``); about 45 % Chinese.
    Within :func:`capacity` names of each language; beyond it, it stops."""
    seen = set(taken or ())
    while True:
        chinese = rng.random() < 0.45
        make = _zh if chinese else _en
        for _ in range(200):  # a free combination is found long before this, until near full
            name = make(rng)
            if name not in seen:
                break
        else:
            return
        seen.add(name)
        yield name, chinese
