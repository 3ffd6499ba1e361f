package io.trendstream.source;

import java.util.SplittableRandom;

/**
 * The long tail of a {@link Vocabulary}: draws ranks and spells them into tokens. Input: the
 * tail's parameters, the source's random generator, a language index in the order of
 * {@link SyntheticSource#LANGS}. Output: tokens appended to a StringBuilder: words and names in
 * each language's letters (katakana for Japanese), {@code @handles}, {@code #hashtags}, t.co
 * link paths, and typos of head words.
 *
 * <p>A rank's spelling is a function of the rank alone (bijective base-n numbering over
 * syllables), so the tail needs no table of words and its memory does not grow with the stream:
 * the same rank is the same word wherever it appears, and distinct ranks are distinct words.
 */
final class LongTail {
  /** Ranks are capped where a double still holds integers exactly; no stream gets there. */
  private static final double MAX_RANK = 1e15;
  private static final char[] BASE62 =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();
  private static final long LINK_SPACE = 839_299_365_868_340_224L;  // 62^10
  /** Salts keep words, names, handles and hashtags of one rank apart. */
  private static final int WORD = 0;
  private static final int NAME = 1;
  private static final int HANDLE = 2;
  private static final int TAG = 3;

  /**
   * Syllables per language, consonants then vowels: a consonant run and the vowel run after it
   * always make one syllable, so a spelled rank reads back to one rank only.
   */
  private static final String[][] SYLLABLES = {
      syllables("b c d f g h j k l m n p r s t v w z br ch cl dr gr pl sh st th tr",
          "a e i o u ai ee oo"),
      syllables("b c d f g j l m n p r s t v z br ch cr gr ll pl tr", "a e i o u ia ue io"),
      null,
      syllables("b d f g h k l m n p r s t w z sch st sp br kr tr pf",
          "a e i o u ei au ä ü ö"),
      syllables("b c d f g j l m n p r s t v ch cr gr pl tr", "a e i o ou é è au"),
      syllables("b c d f g j l m n p r s t v ch lh nh br tr", "a e i o u ão ei ou")};
  /** Katakana, one per syllable: loanwords and names are what Japanese posts add to the tail. */
  private static final String[] KANA = "ア イ ウ エ オ カ キ ク ケ コ サ シ ス セ ソ タ チ ツ テ ト "
      .concat("ナ ニ ヌ ネ ノ ハ ヒ フ ヘ ホ マ ミ ム メ モ ヤ ユ ヨ ラ リ ル レ ロ ワ ン ガ ギ グ ")
      .concat("ゲ ゴ ザ ジ ズ ゼ ゾ ダ デ ド バ ビ ブ ベ ボ パ ピ プ ペ ポ").split(" ");
  /** Suffixes some tail words take, so they look like the language's derived words. */
  private static final String[][] ENDINGS = {
      {"ing", "er", "ly", "s", "ed"},
      {"ción", "ado", "ito", "mente", "es"},
      {"ー"},
      {"ung", "keit", "chen", "en", "lich"},
      {"tion", "ette", "ment", "eur", "ique"},
      {"ção", "ado", "inho", "mente", "agem"}};
  private static final String[][] NAME_ENDINGS = {
      {"son", "ton", "ley", "field"},
      {"ez", "ero", "ana", "illo"},
      {"ー"},
      {"mann", "berg", "er", "ke"},
      {"ier", "aud", "ot", "eau"},
      {"es", "eira", "ão", "ino"}};

  private final Vocabulary.Tail params;
  /** -1 / (exponent - 1): the power that turns a uniform draw into a Pareto one. */
  private final double paretoPower;

  LongTail(Vocabulary.Tail params) {
    this.params = params;
    this.paretoPower = -1 / (params.exponent() - 1);
  }

  Vocabulary.Tail params() {
    return params;
  }

  /**
   * A rank >= 0 with p(r) ~ (r + offset)^-exponent: a continuous Lomax (Pareto II) draw by
   * inversion, floored. One pow per draw, no table: the hot path stays cheap.
   */
  long rank(SplittableRandom random, double offset) {
    double u = 1.0 - random.nextDouble();  // (0, 1]: pow(0, negative) would be infinite
    double r = offset * (Math.pow(u, paretoPower) - 1);
    return r < MAX_RANK ? (long) r : (long) MAX_RANK;
  }

  /** A content word, or for one rank in eight a name (capitalized, with a name's ending). */
  void word(StringBuilder b, int lang, long rank) {
    long h = mix(rank);
    if ((h & 7) == 0) {
      int from = b.length();
      spell(b, lang, rank, NAME);
      capitalize(b, from);
      suffix(b, NAME_ENDINGS[lang], h >>> 8);
    } else {
      spell(b, lang, rank, WORD);
      suffix(b, ENDINGS[lang], h >>> 8);
    }
  }

  /** A handle without its {@code @}: letters, then for most ranks digits or _digits. */
  void handle(StringBuilder b, long rank) {
    spell(b, 0, rank, HANDLE);
    long h = mix(rank ^ HANDLE);
    switch ((int) (h & 3)) {
      case 0:
        break;
      case 1:
        b.append('_').append((h >>> 8) % 100);
        break;
      default:
        b.append((h >>> 8) % 10_000);
    }
  }

  /** A hashtag in the post's language, {@code #} included, capitalized as people tag. */
  void hashtag(StringBuilder b, int lang, long rank) {
    b.append('#');
    int from = b.length();
    spell(b, lang, rank, TAG);
    capitalize(b, from);
  }

  /** The path of a t.co link: ten base-62 characters, the same for every share of a link. */
  void link(StringBuilder b, long rank) {
    long v = Long.remainderUnsigned(mix(rank), LINK_SPACE);
    for (int k = 0; k < 10; k++) {
      b.append(BASE62[(int) (v % 62)]);
      v /= 62;
    }
  }

  /**
   * Writes the word from {@code from} to the end of {@code b} with one typo: a doubled, dropped
   * or swapped letter, or a stretched last letter ("sooo"). Phrases and short words are left
   * alone. A word has few possible typos, so typos add a bounded number of words; the growth
   * without end is the tail's.
   */
  void typo(StringBuilder b, int from, SplittableRandom random) {
    int len = b.length() - from;
    if (len < 3 || b.indexOf(" ", from) >= 0) {
      return;
    }
    int kind = random.nextInt(4);
    int at = from + random.nextInt(len - 1);
    char c = b.charAt(at);
    switch (kind) {
      case 0:
        b.insert(at, c);
        break;
      case 1:
        b.deleteCharAt(at);
        break;
      case 2:
        b.setCharAt(at, b.charAt(at + 1));
        b.setCharAt(at + 1, c);
        break;
      default:
        char last = b.charAt(b.length() - 1);
        for (int k = 2 + random.nextInt(3); k > 0; k--) {
          b.append(last);
        }
    }
  }

  /**
   * Bijective base-n numbering of the rank over the language's syllables, least significant
   * digit first, at least two syllables. Each syllable is also shifted by the previous digit
   * and the salt, so neighbouring ranks do not share their opening and each kind of token
   * (word, name, handle, hashtag) spells a rank differently; the shift is undone digit by
   * digit, so spellings stay distinct.
   */
  private static void spell(StringBuilder b, int lang, long rank, int salt) {
    String[] table = lang == SyntheticSource.JA ? KANA : SYLLABLES[lang];
    int n = table.length;
    long v = rank + n + 1;
    int previous = 0;
    while (v > 0) {
      v--;
      int digit = (int) (v % n);
      v /= n;
      b.append(table[(digit + 7 * previous + 31 * salt + 11 * lang) % n]);
      previous = digit;
    }
  }

  /** A suffix for three ranks in eight; the others stay bare. */
  private static void suffix(StringBuilder b, String[] endings, long bits) {
    int pick = (int) (bits % 8);
    if (pick < 3) {
      b.append(endings[(int) ((bits >>> 3) % endings.length)]);
    }
  }

  private static void capitalize(StringBuilder b, int at) {
    b.setCharAt(at, Character.toUpperCase(b.charAt(at)));
  }

  /** SplitMix64's finalizer: well-spread bits per rank, for choices that must not repeat. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static String[] syllables(String onsets, String vowels) {
    String[] c = onsets.split(" ");
    String[] v = vowels.split(" ");
    String[] out = new String[c.length * v.length];
    for (int i = 0; i < c.length; i++) {
      for (int j = 0; j < v.length; j++) {
        out[i * v.length + j] = c[i] + v[j];
      }
    }
    return out;
  }
}
