#!/usr/bin/env python3
"""Writes wordlist.tsv from wordnet-candidates.tsv and the hand-made decisions below (which words a person accepts
as the built-in prior's colour or primitive, and why the others are rejected), plus a thesaurus-style expansion.
Run once, by hand, when the decisions change; the committed wordlist.tsv is what draw_suite.py reads.

    python3 scripts/t23d-suite/make_wordlist.py
"""
import collections
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Accepted WordNet candidates, per (kind, class); multi-word entries are matched against the candidates.
ACCEPT = {
    ('colour', 'red'): "red reddish blood-red carmine cherry cherry-red cherry red crimson ruby ruby-red scarlet deep red dark red burgundy maroon vermilion",
    ('colour', 'green'): "green greenish light-green dark-green bottle green emerald olive green olive-green pea green jade green jade",
    ('colour', 'blue'): "blue bluish blueish azure cerulean sapphire sky-blue powder blue prussian blue dark blue navy navy blue cobalt blue royal blue ultramarine",
    ('colour', 'yellow'): "yellow yellowish canary yellow canary lemon lemon yellow pale yellow",
    ('colour', 'white'): "white",
    ('colour', 'black'): "black coal black ebony jet black pitch black soot black",
    ('colour', 'orange'): "orange orangish",
    ('colour', 'purple'): "purple violet purplish lavender royal purple tyrian purple",
    ('shape', 'cube'): "cube regular hexahedron",
    ('shape', 'sphere'): "sphere ball globe orb",
    ('shape', 'cylinder'): "cylinder drum roller tube",
    ('shape', 'cone'): "cone cone shape",
    ('shape', 'torus'): "torus toroid ring doughnut anchor ring",
    ('distractor', '-'): "small little tiny miniature petite wee large big huge giant gigantic enormous massive colossal jumbo hefty heavy glossy shiny glazed smooth sleek seamless velvety new brand-new old ancient simple uncomplicated",
}

REJECT_WHY = {
    'chromatic': 'names no colour (the sense "having colour")', 'redness': 'noun of quality', 'greenness': 'noun of quality',
    'viridity': 'noun of quality', 'greenishness': 'noun of quality', 'blueness': 'noun of quality', 'yellowness': 'noun of quality',
    'blackness': 'noun of quality', 'inkiness': 'noun of quality', 'purpleness': 'noun of quality',
    'ruddy': 'said of complexions', 'sanguine': 'usually a mood', 'chrome red': 'pigment name few people know',
    'turkey red': 'pigment name few people know', 'alizarine red': 'pigment name few people know', 'cardinal': 'ambiguous (bird, cleric)',
    'claret': 'a wine; between red and purple', 'oxblood red': 'brownish', 'wine': 'a drink; between red and purple',
    'wine-colored': 'between red and purple', 'wine-coloured': 'between red and purple', 'purplish red': 'between red and purple',
    'purplish-red': 'between red and purple', 'magenta': 'between red and purple', 'fuschia': 'between red and purple (misspelt)',
    'cerise': 'pinkish', 'orange red': 'between red and orange',
    'sea green': 'bluish', 'sage green': 'greyish', 'chrome green': 'pigment name few people know', 'yellow green': 'between yellow and green',
    'yellowish green': 'between yellow and green', 'chartreuse': 'between yellow and green', 'paris green': 'pigment name few people know',
    'bluish green': 'between blue and green', 'blue green': 'between blue and green', 'teal': 'between blue and green', 'cyan': 'between blue and green',
    'lazuline': 'word few people know', 'steel blue': 'greyish', 'greenish blue': 'between blue and green', 'aqua': 'between blue and green',
    'aquamarine': 'between blue and green', 'turquoise': 'between blue and green', 'peacock blue': 'between blue and green',
    'purplish blue': 'between blue and purple',
    'xanthous': 'word few people know', 'amber': 'orange-yellow', 'gold': 'metallic; a person may call it yellow or not',
    'brownish yellow': 'brownish', 'gamboge': 'word few people know', 'maize': 'ambiguous (the plant); pale', 'old gold': 'brownish',
    'orange yellow': 'between orange and yellow', 'saffron': 'orange-yellow', 'ocher': 'brownish', 'ochre': 'brownish', 'straw': 'beige',
    'wheat': 'beige', 'greenish yellow': 'between yellow and green',
    'albescent': 'word few people know', 'sable': 'ambiguous (the animal, the fur)',
    'mauve': 'pinkish grey', 'reddish purple': 'between red and purple', 'reddish blue': 'between blue and purple', 'indigo': 'between blue and purple',
    'tesseract': 'a 4-D figure', 'quadrate': 'a square, 2-D', 'block': 'six square OR rectangular sides: not necessarily a cube',
    'goldbrick': 'a swindle / a gold bar (rectangular)',
    'conglomeration': 'a mass, not a shape', 'conglobation': 'a mass, not a shape', 'crystal ball': 'transparent', 'fireball': 'not a solid',
    'globule': 'a small drop', 'spherule': 'word few people know', 'pellet': 'small, any shape', 'bolus': 'a mass; medical',
    'drop': 'teardrop-shaped', 'bead': 'has a hole', 'pearl': 'implies white', 'dewdrop': 'teardrop-shaped', 'teardrop': 'not a sphere',
    'bubble': 'transparent', 'mothball': 'implies white', 'camphor ball': 'implies white', 'time-ball': 'word few people know',
    'roll': 'ambiguous (bread roll, list)', 'bolt': 'threaded, has a head', 'rouleau': 'word few people know',
    'garden roller': 'a tool with a handle', 'paint roller': 'a tool with a handle', 'platen': 'word few people know',
    'sprocket': 'a toothed wheel', 'trundle': 'a wheel', 'brake drum': 'a machine part', 'shank': 'a part of a tool',
    'stem': 'thin; a plant part', 'stalactite': 'tapers to a point', 'stalagmite': 'tapers to a point', 'barrel': 'bulges',
    'pipe': 'long and thin; also a smoking pipe',
    'conoid': 'not necessarily a cone', 'funnel': 'open, with a spout', 'funnel shape': 'open, with a spout',
    'core': 'ambiguous', 'magnetic core': 'a machine part', 'halo': 'a flat ring of light', 'annulus': 'a flat (2-D) ring',
    'fairy ring': 'a ring of mushrooms', 'fairy circle': 'a ring of mushrooms',
}
DISTRACTOR_NAMES_COLOUR = {'grey', 'gray', 'grey-haired', 'gray-haired', 'grey-headed', 'gray-headed', 'hoar', 'hoary',
                           'white-haired', 'darkened', 'red-hot', 'grizzly'}
DISTRACTOR_NAMES_SHAPE = {'broad', 'wide', 'deep', 'slender', 'slim', 'puffy', 'bouffant', 'double', 'streamlined',
                          'aerodynamic', 'flowing', 'large-mouthed', 'blown-up', 'enlarged', 'fast', 'extended', 'extensive'}

# Thesaurus-style expansion, by hand: (kind, class, word, reason to reject or None).
THESAURUS = [
    ('colour', 'red', 'tomato red', None), ('colour', 'red', 'fire-engine red', None), ('colour', 'red', 'crimson red', None),
    ('colour', 'red', 'brick red', 'brownish'),
    ('colour', 'green', 'grass green', None), ('colour', 'green', 'forest green', None), ('colour', 'green', 'lime green', None),
    ('colour', 'green', 'kelly green', None), ('colour', 'green', 'leaf green', None), ('colour', 'green', 'emerald green', None),
    ('colour', 'green', 'mint green', 'pale, near white'),
    ('colour', 'blue', 'sky blue', None), ('colour', 'blue', 'cornflower blue', None), ('colour', 'blue', 'sapphire blue', None),
    ('colour', 'blue', 'midnight blue', 'near black'), ('colour', 'blue', 'denim blue', 'greyish, faded'),
    ('colour', 'yellow', 'sunflower yellow', None), ('colour', 'yellow', 'banana yellow', None), ('colour', 'yellow', 'daffodil yellow', None),
    ('colour', 'yellow', 'golden yellow', None), ('colour', 'yellow', 'sunny yellow', None), ('colour', 'yellow', 'butter yellow', 'pale, near white'),
    ('colour', 'white', 'snow-white', None), ('colour', 'white', 'snowy white', None), ('colour', 'white', 'milk-white', None),
    ('colour', 'white', 'chalk white', None), ('colour', 'white', 'pure white', None), ('colour', 'white', 'pearl white', None),
    ('colour', 'white', 'alabaster', None), ('colour', 'white', 'ivory white', 'off-white'), ('colour', 'white', 'paper white', 'ambiguous (a flower)'),
    ('colour', 'black', 'jet-black', None), ('colour', 'black', 'coal-black', None), ('colour', 'black', 'inky black', None),
    ('colour', 'black', 'raven black', None), ('colour', 'black', 'onyx', None), ('colour', 'black', 'midnight black', 'ambiguous'),
    ('colour', 'black', 'blackish', 'dark grey'),
    ('colour', 'orange', 'tangerine', None), ('colour', 'orange', 'pumpkin orange', None), ('colour', 'orange', 'carrot orange', None),
    ('colour', 'orange', 'tangerine orange', None), ('colour', 'orange', 'bright orange', None), ('colour', 'orange', 'marigold orange', None),
    ('colour', 'orange', 'traffic-cone orange', None), ('colour', 'orange', 'mandarin orange', None),
    ('colour', 'orange', 'apricot', 'pinkish (WordNet files it under pink)'), ('colour', 'orange', 'burnt orange', 'brownish'),
    ('colour', 'orange', 'rust', 'brownish'),
    ('colour', 'purple', 'amethyst', None), ('colour', 'purple', 'grape purple', None), ('colour', 'purple', 'eggplant purple', None),
    ('colour', 'purple', 'deep purple', None), ('colour', 'purple', 'dark purple', None),
    ('colour', 'purple', 'plum', 'WordNet has no colour sense; reddish'), ('colour', 'purple', 'aubergine', 'near black'),
    ('colour', 'purple', 'lilac', 'pale, pinkish'),
    ('shape', 'cube', 'dice', None), ('shape', 'cube', 'box', 'usually not equal sides'), ('shape', 'cube', 'sugar cube', 'implies white'),
    ('shape', 'sphere', 'marble', None), ('shape', 'sphere', 'bauble', 'any ornament'),
    ('shape', 'cylinder', 'can', None), ('shape', 'cylinder', 'tin can', None), ('shape', 'cylinder', 'canister', None),
    ('shape', 'cylinder', 'pillar', None), ('shape', 'cylinder', 'column', None),
    ('shape', 'cylinder', 'log', 'bark texture, not a plain cylinder'), ('shape', 'cylinder', 'puck', 'a flat disc'),
    ('shape', 'cone', 'traffic cone', None), ('shape', 'cone', 'party hat', 'thin, open'),
    ('shape', 'cone', 'ice cream cone', 'holds ice cream'), ('shape', 'cone', 'witch hat', 'has a brim'),
    ('shape', 'torus', 'donut', None), ('shape', 'torus', 'bagel', None), ('shape', 'torus', 'inner tube', None),
    ('shape', 'torus', 'life ring', 'implies red and white'), ('shape', 'torus', 'hoop', 'a thin wire ring'),
    ('distractor', '-', 'matte', None), ('distractor', '-', 'polished', None), ('distractor', '-', 'plastic', None),
    ('distractor', '-', 'ceramic', None), ('distractor', '-', 'rubber', None), ('distractor', '-', 'toy', None),
    ('distractor', '-', 'solid', None), ('distractor', '-', 'plain', None),
    ('distractor', '-', 'lonely', 'odd before an object'), ('distractor', '-', 'cheerful', 'odd before an object'),
    ('distractor', '-', 'wooden', 'implies brown'), ('distractor', '-', 'golden', 'a colour'), ('distractor', '-', 'metal', 'implies grey'),
    ('distractor', '-', 'glass', 'transparent'), ('distractor', '-', 'round', 'a shape'), ('distractor', '-', 'pointy', 'a shape'),
    ('distractor', '-', 'light', 'a shade (light blue)'), ('distractor', '-', 'bright', 'a shade'), ('distractor', '-', 'pale', 'a shade'),
    ('distractor', '-', 'dark', 'a shade'),
]

HEADER = '''# Word list for seeded text-to-3D prompt suites (draw_suite.py reads the "accept" rows). Fixed on 2026-12-06 at
# about 23:20 UTC, before any suite drawn from it was run. Written by make_wordlist.py (the decisions are there).
#
# How it was made:
# 1. Candidates from WordNet 3.0 (Debian package wordnet-base 1:3.0-37, /usr/share/wordnet), listed mechanically by
#    wordnet_candidates.py into wordnet-candidates.tsv: for each of the built-in prior's 8 colours, the colour
#    adjective's first synset and its similar-to satellites, and the colour noun's first synset with its hyponyms two
#    levels down; for each of its 5 shapes, the noun.shape synsets of the shape word (and of ball/globe for the
#    sphere, toroid for the torus) with hyponyms two levels down; distractors: the first adjective synset of small,
#    large, big, glossy, smooth, new, old, heavy, simple and their similar-to satellites.
# 2. A thesaurus-style expansion by hand (source "thesaurus"): common compound colour names (tomato red, lime green,
#    sky blue, pumpkin orange ...), everyday shape nouns (dice, marble, can, pillar, donut, bagel, traffic cone ...)
#    and distractors of material and finish (matte, plastic, ceramic ...). No thesaurus file was available offline;
#    these come from ordinary English usage and are filtered like the WordNet ones.
# 3. One filter, by hand: accept a word only if a person who asked for "a <word> <shape>" / "a <colour> <word>"
#    would accept the built-in prior's plain colour / primitive as it; reject words between two palette colours
#    (teal, magenta, amber), pale or brownish shades, metallic colours, nouns of quality (redness), words few people
#    know (xanthous), shapes that are not the primitive (block, barrel, funnel, annulus) or imply a colour (pearl,
#    sugar cube), and distractors that name a colour, a shade or a shape (grey, bright, round, slim) or imply one
#    (wooden, golden, glass). Every WordNet candidate appears here once, accepted or rejected with the reason.
#
# Columns: verdict, kind (colour/shape/distractor), class (palette colour or primitive; "-" for distractors), word,
# source, reason for a rejection.
'''


def main():
    cands = [l.rstrip('\n').split('\t') for l in open(os.path.join(HERE, 'wordnet-candidates.tsv'), encoding='utf-8')
             if not l.startswith('#')]
    accepted = {}
    for key, text in ACCEPT.items():
        words = {c[2] for c in cands if (c[0], c[1]) == key}
        toks, out, i = text.split(' '), [], 0
        while i < len(toks):
            for n in (3, 2, 1):
                w = ' '.join(toks[i:i + n])
                if w in words:
                    out.append(w)
                    i += n
                    break
            else:
                sys.exit('not a WordNet candidate of %s: %s' % (key, toks[i]))
        accepted[key] = set(out)
    rows, seen = [], set()
    for kind, cls, word, how, _gloss in cands:
        if (kind, cls, word) in seen:
            continue
        seen.add((kind, cls, word))
        if word in accepted[(kind, cls)]:
            rows.append(('accept', kind, cls, word, 'wordnet: ' + how, ''))
            continue
        if word in REJECT_WHY:
            why = REJECT_WHY[word]
        elif kind == 'distractor' and word in DISTRACTOR_NAMES_COLOUR:
            why = 'names a colour'
        elif kind == 'distractor' and word in DISTRACTOR_NAMES_SHAPE:
            why = 'says something about the shape, proportions or number'
        elif kind == 'distractor':
            why = 'a sense for people only, a scale that changes the object, or a word few would put before an object'
        elif (kind, cls) == ('colour', 'white'):
            why = 'a person (ethnicity), not a colour'
        elif (kind, cls) == ('colour', 'orange'):
            why = 'a fruit or tree, not a colour'
        else:
            sys.exit('no decision for %s %s %s' % (kind, cls, word))
        rows.append(('reject', kind, cls, word, 'wordnet: ' + how, why))
    for kind, cls, word, why in THESAURUS:
        if (kind, cls, word) in seen:
            continue
        seen.add((kind, cls, word))
        rows.append(('reject' if why else 'accept', kind, cls, word, 'thesaurus', why or ''))
    with open(os.path.join(HERE, 'wordlist.tsv'), 'w', encoding='utf-8') as f:
        f.write(HEADER)
        for r in rows:
            f.write('\t'.join(r) + '\n')
    counts = collections.Counter((r[1], r[2]) for r in rows if r[0] == 'accept')
    print(' '.join('%s/%s=%d' % (k[0], k[1], v) for k, v in sorted(counts.items())))


if __name__ == '__main__':
    main()
