"""Tests of the word list and the suite drawer: python3 -m unittest discover -s scripts/t23d-suite"""
import collections
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import draw_suite  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WORDLIST = os.path.join(HERE, "wordlist.tsv")


def rows(path):
    with open(path, encoding="utf-8") as f:
        return [l.rstrip("\n").split("\t") for l in f if not l.startswith("#") and l.strip()]


class WordListTest(unittest.TestCase):
    def test_every_wordnet_candidate_is_decided_once(self):
        decided = collections.Counter((r[1], r[2], r[3]) for r in rows(WORDLIST))
        self.assertEqual([], [k for k, v in decided.items() if v > 1])
        for kind, cls, word, *_ in rows(os.path.join(HERE, "wordnet-candidates.tsv")):
            self.assertIn((kind, cls, word), decided, "undecided WordNet candidate")

    def test_rejections_say_why_and_acceptances_have_a_source(self):
        for r in rows(WORDLIST):
            self.assertIn(r[0], ("accept", "reject"))
            self.assertTrue(r[4].startswith("wordnet: ") or r[4] == "thesaurus", r)
            if r[0] == "reject":
                self.assertTrue(len(r) > 5 and r[5].strip(), "rejection without a reason: %s" % r)

    def test_no_distractor_names_a_palette_colour_or_shape(self):
        words = draw_suite.read_wordlist(WORDLIST)
        named = {w for (kind, _), ws in words.items() if kind != "distractor" for w in ws}
        named |= set(draw_suite.COLOURS) | set(draw_suite.SHAPES)
        for d in words[("distractor", "-")]:
            self.assertNotIn(d, named)
            for token in d.split():
                self.assertNotIn(token, set(draw_suite.COLOURS) | set(draw_suite.SHAPES), d)

    def test_a_word_names_one_class_only(self):
        words = draw_suite.read_wordlist(WORDLIST)
        owner = {}
        for (kind, cls), ws in words.items():
            for w in ws:
                self.assertNotIn(w, owner, "%s is both %s and %s" % (w, owner.get(w), cls))
                owner[w] = cls


class DrawSuiteTest(unittest.TestCase):
    def setUp(self):
        self.words = draw_suite.read_wordlist(WORDLIST)

    def test_same_seed_same_suite_other_seed_other_suite(self):
        self.assertEqual(draw_suite.draw(self.words, 64, 5), draw_suite.draw(self.words, 64, 5))
        self.assertNotEqual(draw_suite.draw(self.words, 64, 5), draw_suite.draw(self.words, 64, 6))

    def test_balanced_over_colours_and_shapes_and_no_duplicates(self):
        for n in (64, 67, 10):
            cases = draw_suite.draw(self.words, n, 11)
            self.assertEqual(n, len(cases))
            self.assertEqual(n, len({c[0] for c in cases}))
            colours = collections.Counter(c[2] for c in cases)
            shapes = collections.Counter(c[1] for c in cases)
            self.assertLessEqual(max(colours.values()) - min(colours.values()), 1, colours)
            self.assertEqual(min(n, 8), len(colours))
            self.assertLessEqual(max(shapes.values()) - min(shapes.values()), 1, shapes)
            self.assertEqual(min(n, 5), len(shapes))

    def test_every_prompt_names_its_classes_with_accepted_words(self):
        for prompt, shape, colour in draw_suite.draw(self.words, 64, 3):
            self.assertTrue(any((" " + w + " ") in (prompt + " ") or prompt.endswith(" " + w)
                                for w in self.words[("colour", colour)]), prompt)
            self.assertTrue(any(prompt.endswith(" " + w) or (" " + w + " that is ") in prompt
                                for w in self.words[("shape", shape)]), prompt)
            self.assertIn(prompt.split()[0], ("a", "an"))

    def test_cli_writes_the_tsv_eval_reads(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "s.tsv")
            subprocess.run([sys.executable, os.path.join(HERE, "draw_suite.py"), "--seed", "9", "--n", "16", "--out", out], check=True)
            body = rows(out)
            self.assertEqual(16, len(body))
            for prompt, shape, colour in body:
                self.assertIn(shape, draw_suite.SHAPES)
                self.assertIn(colour, draw_suite.COLOURS)
            with open(out, encoding="utf-8") as f:
                self.assertIn("--seed 9 --n 16", f.readline())

    def test_committed_suites_are_what_their_seed_draws(self):
        # A committed drawn suite must be exactly what its recorded seed draws from the committed word list.
        suites = os.path.join(HERE, "suites")
        for name in sorted(os.listdir(suites)) if os.path.isdir(suites) else []:
            path = os.path.join(suites, name)
            with open(path, encoding="utf-8") as f:
                first = f.readline().split()
            seed, n = int(first[first.index("--seed") + 1]), int(first[first.index("--n") + 1])
            self.assertEqual([tuple(r) for r in rows(path)], draw_suite.draw(self.words, n, seed), name)


if __name__ == "__main__":
    unittest.main()
