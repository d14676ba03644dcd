#!/usr/bin/env python3
"""Lists WordNet's candidate synonyms for the built-in prior's 8 colours and 5 shapes, and candidate distractor
adjectives (size, finish, age), as a TSV: kind, class, word, how WordNet relates it.

Reads the WordNet 3.0 database files directly (Debian's `wordnet-base`: /usr/share/wordnet) with a small parser of
its documented format (wndb(5WN)); standard library only. The output is the mechanical first step of the word list
(wordlist.tsv), which a person then filtered: see the header of wordlist.tsv.

    python3 scripts/t23d-suite/wordnet_candidates.py [--wordnet /usr/share/wordnet] > candidates.tsv
"""
import argparse
import os
import sys

COLOURS = ["red", "green", "blue", "yellow", "white", "black", "orange", "purple"]
SHAPES = ["cube", "sphere", "cylinder", "cone", "torus"]
# Extra WordNet nouns read for a shape (their noun.shape senses and hyponyms): the shape word's own synsets miss
# e.g. "ring, halo, annulus, doughnut, anchor ring", filed under "toroid".
SHAPE_SEEDS = {"cube": ["cube"], "sphere": ["sphere", "ball", "globe"], "cylinder": ["cylinder"], "cone": ["cone"],
               "torus": ["torus", "toroid"]}
# Distractor seeds: adjectives that say size, surface finish or age, none a colour or a shape.
DISTRACTOR_SEEDS = ["small", "large", "big", "glossy", "smooth", "new", "old", "heavy", "simple"]
NOUN_SHAPE_LEXFILE = 25  # noun.shape
ADJ_ALL_LEXFILE = 0       # adj.all


class WordNet:
    def __init__(self, folder):
        self.folder = folder
        self.data = {}

    def _line(self, pos, offset):
        name = {"n": "data.noun", "a": "data.adj"}[pos]
        with open(os.path.join(self.folder, name), "rb") as f:
            f.seek(offset)
            return f.readline().decode("utf-8")

    def synset(self, pos, offset):
        key = (pos, offset)
        if key not in self.data:
            line = self._line(pos, offset)
            head, _, gloss = line.partition(" | ")
            t = head.split()
            lexfile = int(t[1])
            n = int(t[3], 16)
            words = [t[4 + 2 * i] for i in range(n)]
            i = 4 + 2 * n
            pcount = int(t[i])
            ptrs = []
            for k in range(pcount):
                sym, off, ppos = t[i + 1 + 4 * k], int(t[i + 2 + 4 * k]), t[i + 3 + 4 * k]
                ptrs.append((sym, ppos if ppos != "s" else "a", off))
            self.data[key] = (lexfile, [w.split("(")[0].replace("_", " ").lower() for w in words], ptrs, gloss.strip())
        return self.data[key]

    def offsets(self, pos, lemma):
        name = {"n": "index.noun", "a": "index.adj"}[pos]
        with open(os.path.join(self.folder, name), encoding="utf-8") as f:
            for line in f:
                if line.startswith(lemma + " "):
                    t = line.split()
                    synsets = int(t[2])
                    return [int(x) for x in t[-synsets:]]
        return []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wordnet", default="/usr/share/wordnet")
    args = ap.parse_args()
    wn = WordNet(args.wordnet)
    rows = []

    def hyponyms(pos, off, depth, path):
        for sym, ppos, o in wn.synset(pos, off)[2]:
            if sym in ("~", "~i") and ppos == pos:
                lex, words, _, gloss = wn.synset(pos, o)
                yield o, words, path + " > hyponym", gloss
                if depth > 1:
                    yield from hyponyms(pos, o, depth - 1, path + " > hyponym")

    for colour in COLOURS:
        # the adjective's first sense (the colour) and its similar-to satellites
        adj = wn.offsets("a", colour)[0]
        lex, words, ptrs, gloss = wn.synset("a", adj)
        for w in words:
            rows.append(("colour", colour, w, "adj synset of '%s'" % colour, gloss))
        for sym, ppos, o in ptrs:
            if sym == "&":
                _, ws, _, g = wn.synset("a", o)
                for w in ws:
                    rows.append(("colour", colour, w, "adj similar-to '%s'" % colour, g))
        # the noun's first sense (the colour) and its hyponyms, two levels
        noun = wn.offsets("n", colour)[0]
        lex, words, ptrs, gloss = wn.synset("n", noun)
        for w in words:
            rows.append(("colour", colour, w, "noun synset of '%s'" % colour, gloss))
        for o, ws, path, g in hyponyms("n", noun, 2, "noun '%s'" % colour):
            for w in ws:
                rows.append(("colour", colour, w, path, g))

    for shape in SHAPES:
        for noun in [o for seed in SHAPE_SEEDS[shape] for o in wn.offsets("n", seed)]:
            lex, words, ptrs, gloss = wn.synset("n", noun)
            if lex != NOUN_SHAPE_LEXFILE:
                continue
            for w in words:
                rows.append(("shape", shape, w, "noun.shape synset of '%s'" % shape, gloss))
            for o, ws, path, g in hyponyms("n", noun, 2, "noun '%s'" % shape):
                for w in ws:
                    rows.append(("shape", shape, w, path, g))

    for seed in DISTRACTOR_SEEDS:
        offs = wn.offsets("a", seed)
        if not offs:
            continue
        lex, words, ptrs, gloss = wn.synset("a", offs[0])
        for w in words:
            rows.append(("distractor", "-", w, "adj synset of '%s'" % seed, gloss))
        for sym, ppos, o in ptrs:
            if sym == "&":
                _, ws, _, g = wn.synset("a", o)
                for w in ws:
                    rows.append(("distractor", "-", w, "adj similar-to '%s'" % seed, g))

    seen = set()
    out = sys.stdout
    out.write("# kind\tclass\tword\twordnet relation\tgloss (WordNet 3.0, %s)\n" % args.wordnet)
    for kind, cls, word, how, gloss in rows:
        if (kind, cls, word) in seen:
            continue
        seen.add((kind, cls, word))
        out.write("\t".join((kind, cls, word, how, gloss.replace("\t", " ")[:120])) + "\n")


if __name__ == "__main__":
    main()
