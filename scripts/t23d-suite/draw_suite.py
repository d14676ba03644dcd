#!/usr/bin/env python3
"""Draws a seeded, balanced text-to-3D prompt suite from the committed word list, as the TSV that
`forge3d eval-text-to-3d --prompts` reads (prompt<TAB>shape<TAB>colour, '#' comments).

    python3 scripts/t23d-suite/draw_suite.py --seed 20261207 --n 64 --out suite.tsv

Balanced: every colour appears floor(n/8) or ceil(n/8) times and every shape floor(n/5) or ceil(n/5) times (which
ones get the extra is drawn); colours and shapes are paired at random. Each prompt takes a uniformly drawn accepted
synonym of its colour and of its shape, a template, and for the templates that have one, a distractor adjective.
The same seed and word list give the same file (Python's random.Random is stable across versions for int seeds).
Standard library only.
"""
import argparse
import hashlib
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
COLOURS = ["red", "green", "blue", "yellow", "white", "black", "orange", "purple"]
SHAPES = ["cube", "sphere", "cylinder", "cone", "torus"]
TEMPLATES = ["{c} {s}", "{d} {c} {s}", "{d} {s} that is {c}"]


def read_wordlist(path):
    words = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            verdict, kind, cls, word = line.rstrip("\n").split("\t")[:4]
            if verdict == "accept":
                words.setdefault((kind, cls), []).append(word)
    for c in COLOURS:
        if not words.get(("colour", c)):
            raise ValueError("word list has no accepted word for colour " + c)
    for s in SHAPES:
        if not words.get(("shape", s)):
            raise ValueError("word list has no accepted word for shape " + s)
    if not words.get(("distractor", "-")):
        raise ValueError("word list has no accepted distractor")
    return words


def article(phrase):
    return "an" if phrase[0].lower() in "aeiou" else "a"


def balanced(items, n, rng):
    """n items, each of `items` floor(n/k) or ceil(n/k) times (the extras drawn), in random order."""
    k = len(items)
    out = items * (n // k) + rng.sample(items, n % k)
    rng.shuffle(out)
    return out


def draw(words, n, seed):
    rng = random.Random(seed)
    colours = balanced(COLOURS, n, rng)
    shapes = balanced(SHAPES, n, rng)
    cases, seen = [], set()
    for colour, shape in zip(colours, shapes):
        for _ in range(1000):  # redraw the words on a duplicate prompt
            template = rng.choice(TEMPLATES)
            text = template.format(c=rng.choice(words[("colour", colour)]), s=rng.choice(words[("shape", shape)]),
                                   d=rng.choice(words[("distractor", "-")]))
            prompt = article(text) + " " + text
            if prompt not in seen:
                break
        seen.add(prompt)
        cases.append((prompt, shape, colour))
    return cases


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--wordlist", default=os.path.join(HERE, "wordlist.tsv"))
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("--n must be at least 1")
    words = read_wordlist(args.wordlist)
    with open(args.wordlist, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    cases = draw(words, args.n, args.seed)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("# Drawn by scripts/t23d-suite/draw_suite.py --seed %d --n %d (prompt<TAB>shape<TAB>colour)\n" % (args.seed, args.n))
        f.write("# word list: %s sha256 %s\n" % (os.path.basename(args.wordlist), digest))
        for prompt, shape, colour in cases:
            f.write("%s\t%s\t%s\n" % (prompt, shape, colour))
    return 0


if __name__ == "__main__":
    sys.exit(main())
