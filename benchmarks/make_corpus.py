"""Make a benchmark corpus: perturbed copies of the seeds that no cache can recognise.

Each copy shifts every number that is not an item number (targets, counts, money),
moves the years, and renames the city (武汉 → one of a list of cities), so every
copy has its own content hash, its own statements and its own unit IRIs, while
staying a document govkg reads like the original.

    python benchmarks/make_corpus.py corpus/ --documents 100          # every seed kind, in turn
    python benchmarks/make_corpus.py corpus/ --documents 200 --plans  # plans only (about 15 MB)
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PLAN = "wuhan-2025-plan-responsibility-decomposition.txt"
CITIES = ["武汉", "长沙", "郑州", "南昌", "合肥", "成都", "西安", "济南", "杭州", "南京",
          "福州", "昆明", "贵阳", "太原", "石家庄", "沈阳", "长春", "兰州", "南宁", "海口"]
_YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?=\s*年)")
# a number that is not an item number at the start of a line ("3. ", "- 12. ") and not part of a date
_NUMBER = re.compile(r"(?<![\d.])(\d+)(?!\s*[\d年月日号])")
_ISO_DATE = re.compile(r"(?<!\d)(20[0-3]\d)(-\d{1,2}-\d{1,2})(?!\d)")
_ITEM_START = re.compile(r"^(\s*(?:-\s*)?)(\d+)(\s*[.、])", re.M)


def perturb(text: str, index: int) -> str:
    """The ``index``-th perturbed copy of ``text`` (index 0 is the text itself, city and all)."""
    if index == 0:
        return text
    city = CITIES[index % len(CITIES)]
    year_shift = -(index // len(CITIES)) % 12  # 2025 → 2025, 2024, … 2014, cycling
    delta = 1 + index % 97
    # protect item numbers at line starts
    protected: dict[str, str] = {}

    def protect_text(original: str) -> str:
        key = "\uE000" + "".join(chr(0xE100 + int(d)) for d in str(len(protected))) + "\uE001"
        protected[key] = original
        return key

    def protect(match: re.Match) -> str:
        return protect_text(match.group(0))

    text = _ITEM_START.sub(protect, text)
    # a dated line (2025-09-05): the year moves, month and day stay (a shifted day may not exist)
    text = _ISO_DATE.sub(lambda m: protect_text(f"{int(m.group(1)) - year_shift}{m.group(2)}"), text)
    text = _YEAR.sub(lambda m: str(int(m.group(1)) - year_shift), text)

    def shift(match: re.Match) -> str:
        value = int(match.group(1))
        if 1990 <= value <= 2040:  # a year written without 年
            return str(value - year_shift)
        return str(value + delta)

    text = _NUMBER.sub(shift, text)
    for key, original in protected.items():
        text = text.replace(key, original)
    if city != "武汉":
        text = text.replace("武汉", city)
    return text


def make_corpus(folder: Path, documents: int, plans_only: bool = False) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    seeds = [SEEDS / PLAN] if plans_only else sorted(SEEDS.glob("*.txt"))
    texts = {seed: seed.read_text(encoding="utf-8") for seed in seeds}
    written = []
    for index in range(documents):
        seed = seeds[index % len(seeds)]
        copy = index // len(seeds)
        path = folder / f"{seed.stem}-{copy:04d}.txt"
        path.write_text(perturb(texts[seed], copy), encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--plans", action="store_true", help="only copies of the responsibility plan")
    args = parser.parse_args()
    paths = make_corpus(args.folder, args.documents, args.plans)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} documents, {size / 1e6:.1f} MB in {args.folder}")


if __name__ == "__main__":
    main()
