package io.trendstream.source;

import io.trendstream.post.Post;
import io.trendstream.post.TwitterTime;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Endless, deterministic made-up posts for demos and benchmarks. Input: a seed, the event time of
 * the first post and how many posts make one second of event time. Output: {@link Post}s in six
 * languages (en, es, ja, de, fr, pt; Japanese without spaces between words) with hashtags,
 * @mentions, t.co-style URLs and the odd emoji. Six trending topics ({@link #TRENDS}) rise and
 * fall in turn: each topic's share of posts follows a bell curve centred {@link #TREND_SPACING}
 * posts after the previous one's, repeating every {@link #TREND_CYCLE} posts, so windowed word
 * counts show trends coming and going. The {@link Vocabulary} sets how many distinct words the
 * rest of the text uses: {@link Vocabulary#SMALL}'s fixed set of about 2,500, or a long tail of
 * generated words, names, typos, handles, hashtags and shared links ({@link LongTail}) that grows
 * with the stream as real posts' vocabulary does. Same arguments, same posts: ids, texts and
 * times are a function of the seed, the vocabulary and the post's index only.
 *
 * <p>Hot path: no regex, no String.format, one StringBuilder reused; created_at is formatted
 * once per event-time second; tail words are spelled from their rank, never looked up, so memory
 * stays flat however long the stream runs.
 */
public final class SyntheticSource implements PostSource {
  /** A trending topic: one hashtag used in every language, plus words about it per language. */
  public record Trend(String hashtag, String[][] wordsByLang) {}

  public static final String[] LANGS = {"en", "es", "ja", "de", "fr", "pt"};
  /** Index of Japanese in {@link #LANGS}: written without spaces, and without typos here. */
  static final int JA = 2;
  /** Cumulative language mix, in the order of {@link #LANGS}: en 40%, es 15%, ja 15%, ... */
  private static final double[] LANG_CUMULATIVE = {0.40, 0.55, 0.70, 0.80, 0.90, 1.0};

  /** Posts between the peaks of consecutive trends. */
  public static final int TREND_SPACING = 2500;
  /** Width (standard deviation, in posts) of each trend's bell curve. */
  public static final int TREND_SIGMA = 700;
  /** Share of all posts that are about a trend at the top of its curve. */
  public static final double TREND_PEAK = 0.35;
  /** Index of the first trend's peak: the stream starts quiet and the first trend rises. */
  public static final int FIRST_PEAK = 2000;

  public static final List<Trend> TRENDS = List.of(
      new Trend("#WorldCup", new String[][] {
          {"goal", "match", "final", "penalty", "keeper"},
          {"gol", "partido", "final", "penalti", "portero"},
          {"ゴール", "試合", "決勝", "PK", "代表"},
          {"Tor", "Spiel", "Finale", "Elfmeter", "Torwart"},
          {"but", "match", "finale", "penalty", "gardien"},
          {"gol", "jogo", "final", "pênalti", "goleiro"}}),
      new Trend("#Eclipse", new String[][] {
          {"eclipse", "moon", "sun", "sky", "totality"},
          {"eclipse", "luna", "sol", "cielo", "oscuridad"},
          {"日食", "月", "太陽", "空", "皆既"},
          {"Finsternis", "Mond", "Sonne", "Himmel", "Brille"},
          {"éclipse", "lune", "soleil", "ciel", "lunettes"},
          {"eclipse", "lua", "sol", "céu", "escuridão"}}),
      new Trend("#BlackFriday", new String[][] {
          {"deals", "sale", "discount", "shopping", "cart"},
          {"ofertas", "rebajas", "descuento", "compras", "tienda"},
          {"セール", "割引", "買い物", "限定", "通販"},
          {"Angebote", "Rabatt", "Schnäppchen", "Einkaufen", "Laden"},
          {"promos", "soldes", "réduction", "achats", "panier"},
          {"ofertas", "promoção", "desconto", "compras", "loja"}}),
      new Trend("#LaunchDay", new String[][] {
          {"rocket", "launch", "orbit", "countdown", "booster"},
          {"cohete", "lanzamiento", "órbita", "cuenta", "despegue"},
          {"ロケット", "打ち上げ", "軌道", "発射", "宇宙"},
          {"Rakete", "Start", "Umlaufbahn", "Countdown", "Raumfahrt"},
          {"fusée", "lancement", "orbite", "décollage", "espace"},
          {"foguete", "lançamento", "órbita", "contagem", "espaço"}}),
      new Trend("#Heatwave", new String[][] {
          {"heat", "temperature", "record", "summer", "water"},
          {"calor", "temperatura", "récord", "verano", "agua"},
          {"猛暑", "気温", "記録", "夏", "熱中症"},
          {"Hitze", "Temperatur", "Rekord", "Sommer", "Wasser"},
          {"canicule", "température", "record", "été", "chaleur"},
          {"calor", "temperatura", "recorde", "verão", "água"}}),
      new Trend("#Election", new String[][] {
          {"vote", "ballot", "debate", "results", "candidate"},
          {"voto", "urnas", "debate", "resultados", "candidato"},
          {"選挙", "投票", "討論", "開票", "候補"},
          {"Wahl", "Stimme", "Debatte", "Ergebnis", "Kandidat"},
          {"vote", "scrutin", "débat", "résultats", "candidat"},
          {"voto", "urna", "debate", "resultado", "candidato"}}));

  /**
   * Posts after which the trend schedule repeats; the extra {@link #FIRST_PEAK} leaves a quiet
   * stretch between the last trend and the first one's return (and at the very start).
   */
  public static final int TREND_CYCLE = TRENDS.size() * TREND_SPACING + FIRST_PEAK;

  // Content words, most frequent first (picked with a skew towards the front).
  private static final String[][] WORDS = {
      {"today", "time", "people", "love", "day", "work", "life", "coffee", "music", "game",
       "friends", "weekend", "city", "morning", "night", "movie", "team", "school", "food",
       "weather", "train", "phone", "book", "news", "dog", "pizza", "home", "week", "family",
       "happy", "tired", "great", "new", "best", "really", "never", "always", "think", "know",
       "want", "feel", "watch", "going", "need", "beautiful", "crazy", "finally", "tomorrow"},
      {"hoy", "tiempo", "gente", "amor", "día", "trabajo", "vida", "café", "música", "partido",
       "amigos", "finde", "ciudad", "mañana", "noche", "película", "equipo", "escuela",
       "comida", "clima", "tren", "móvil", "libro", "noticias", "perro", "casa", "semana",
       "familia", "feliz", "cansado", "genial", "nuevo", "mejor", "nunca", "siempre", "creo",
       "quiero", "siento", "ver", "vamos", "necesito", "bonito", "increíble", "por fin"},
      {"今日", "仕事", "友達", "ラーメン", "映画", "音楽", "電車", "天気", "週末", "朝",
       "夜", "猫", "犬", "会社", "学校", "家族", "コーヒー", "ゲーム", "本", "ニュース",
       "東京", "雨", "桜", "ご飯", "アニメ", "スマホ", "旅行", "カフェ", "明日", "昨日"},
      {"heute", "Zeit", "Leute", "Liebe", "Tag", "Arbeit", "Leben", "Kaffee", "Musik",
       "Spiel", "Freunde", "Wochenende", "Stadt", "Morgen", "Nacht", "Film", "Mannschaft",
       "Schule", "Essen", "Wetter", "Zug", "Handy", "Buch", "Nachrichten", "Hund", "Bier",
       "Familie", "glücklich", "müde", "toll", "neu", "beste", "wirklich", "nie", "immer",
       "denke", "weiß", "will", "endlich", "morgen", "schön", "verrückt"},
      {"aujourd'hui", "temps", "gens", "amour", "jour", "travail", "vie", "café", "musique",
       "match", "amis", "weekend", "ville", "matin", "nuit", "film", "équipe", "école",
       "bouffe", "météo", "train", "téléphone", "livre", "infos", "chien", "maison",
       "semaine", "famille", "heureux", "fatigué", "génial", "nouveau", "meilleur", "jamais",
       "toujours", "pense", "sais", "veux", "enfin", "demain", "beau", "fou", "vraiment"},
      {"hoje", "tempo", "gente", "amor", "dia", "trabalho", "vida", "café", "música", "jogo",
       "amigos", "fim de semana", "cidade", "manhã", "noite", "filme", "time", "escola",
       "comida", "clima", "trem", "celular", "livro", "notícias", "cachorro", "casa",
       "semana", "família", "feliz", "cansado", "incrível", "novo", "melhor", "nunca",
       "sempre", "acho", "sei", "quero", "finalmente", "amanhã", "lindo", "louco", "demais"}};

  // Function words for spaced languages; Japanese uses particles between words instead.
  private static final String[][] FUNCTION = {
      {"the", "a", "and", "to", "of", "in", "is", "my", "it", "for", "this", "so", "with", "at"},
      {"el", "la", "y", "de", "que", "en", "un", "es", "mi", "por", "con", "para", "lo", "muy"},
      {"は", "が", "を", "に", "で", "と", "も", "の"},
      {"der", "die", "das", "und", "ist", "ich", "nicht", "mit", "mein", "zu", "in", "so"},
      {"le", "la", "et", "de", "les", "un", "est", "je", "pas", "avec", "mon", "en", "trop"},
      {"o", "a", "e", "de", "que", "em", "um", "é", "meu", "com", "pra", "não", "muito"}};

  private static final String[] JA_ENDINGS = {
      "楽しい", "最高", "疲れた", "です", "でした", "すごい", "かな", "だよね", "しよう", "ありがとう"};
  private static final String[] JA_PUNCT = {"。", "！", "…", "w", "！！"};
  private static final String[] PUNCT = {"", "", ".", "!", "!!", "?", "..."};

  private static final String[][] TAGS = {
      {"#MondayMotivation", "#news", "#music", "#tbt", "#travel", "#food", "#tech"},
      {"#lunes", "#noticias", "#música", "#viaje", "#fútbol", "#comida"},
      {"#拡散希望", "#今日のご飯", "#猫", "#アニメ", "#写真好きな人と繋がりたい"},
      {"#Montag", "#Nachrichten", "#Musik", "#Urlaub", "#Fußball"},
      {"#lundi", "#infos", "#musique", "#voyage", "#foot"},
      {"#segunda", "#notícias", "#música", "#viagem", "#futebol"}};

  private static final String[] HANDLES = {
      "maria", "juan", "sakura", "lukas", "camille", "joao", "alex", "news", "sam", "yuki",
      "anna", "pedro", "emma", "kenji", "lea", "bruno", "chris", "sofia", "max", "ines"};
  private static final String[] EMOJI = {"😂", "🔥", "❤️", "🙌", "😭", "⚽", "🎉", "☀️"};
  private static final char[] BASE62 =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

  /** Twitter's snowflake epoch: ids look like real ones (> 2^53) for realistic start times. */
  private static final long TWITTER_EPOCH_MILLIS = 1288834974657L;
  /** Trend shares change slowly; recomputing them every 64 posts keeps exp() off the hot path. */
  private static final int WEIGHT_REFRESH = 64;

  private final long seed;
  private final Vocabulary vocabulary;
  /** Null for {@link Vocabulary#SMALL}: its draws are exactly the original feed's. */
  private final LongTail tail;
  private final long startEpochMillis;
  private final double millisPerPost;
  private final SplittableRandom random;
  private final StringBuilder sb = new StringBuilder(320);
  private final double[] trendCumulative = new double[TRENDS.size()];

  private long index;
  private long lastId;
  private long cachedSecond = Long.MIN_VALUE;
  private String cachedCreatedAt;

  /**
   * The {@link Vocabulary#SMALL} feed, whose fixed word set tests count exactly.
   *
   * @see #SyntheticSource(long, long, double, Vocabulary)
   */
  public SyntheticSource(long seed, long startEpochMillis, double postsPerEventSecond) {
    this(seed, startEpochMillis, postsPerEventSecond, Vocabulary.SMALL);
  }

  /**
   * @param seed same seed, start and vocabulary, same posts
   * @param startEpochMillis event time of the first post
   * @param postsPerEventSecond event time advances one second per this many posts (> 0)
   * @param vocabulary how many distinct words the posts use
   */
  public SyntheticSource(long seed, long startEpochMillis, double postsPerEventSecond,
      Vocabulary vocabulary) {
    if (!(postsPerEventSecond > 0) || Double.isInfinite(postsPerEventSecond)) {
      throw new IllegalArgumentException(
          "postsPerEventSecond must be a positive number, got " + postsPerEventSecond);
    }
    this.seed = seed;
    this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
    this.tail = vocabulary.tail() == null ? null : new LongTail(vocabulary.tail());
    this.startEpochMillis = startEpochMillis;
    this.millisPerPost = 1000.0 / postsPerEventSecond;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public Post next() {
    long i = index++;
    if (i % WEIGHT_REFRESH == 0) {
      refreshTrendWeights(i);
    }
    long eventMillis = startEpochMillis + (long) (i * millisPerPost);
    long id = Math.max(lastId + 1, (eventMillis - TWITTER_EPOCH_MILLIS) << 22);
    lastId = id;

    int lang = pickLang();
    int trend = pickTrend();
    String text = text(lang, trend);
    long retweets = random.nextInt(8) == 0 ? random.nextInt(500) : 0;
    long favorites = random.nextInt(3) == 0 ? random.nextInt(2000) : 0;
    return new Post(createdAt(eventMillis), id, Long.toString(id), text, retweets, favorites,
        false, false, LANGS[lang]);
  }

  /**
   * Share of posts about trend {@code t} at post {@code i}: a bell curve around that trend's
   * peak, measured on the repeating cycle so trends come back.
   */
  public static double trendShare(int t, long i) {
    long center = FIRST_PEAK + (long) t * TREND_SPACING;
    long d = Math.floorMod(i - center, (long) TREND_CYCLE);
    if (d > TREND_CYCLE / 2) {
      d -= TREND_CYCLE;
    }
    double z = d / (double) TREND_SIGMA;
    return TREND_PEAK * Math.exp(-0.5 * z * z);
  }

  private void refreshTrendWeights(long i) {
    double sum = 0;
    for (int t = 0; t < trendCumulative.length; t++) {
      sum += trendShare(t, i);
      trendCumulative[t] = sum;
    }
  }

  private int pickLang() {
    double u = random.nextDouble();
    for (int l = 0; l < LANG_CUMULATIVE.length - 1; l++) {
      if (u < LANG_CUMULATIVE[l]) {
        return l;
      }
    }
    return LANG_CUMULATIVE.length - 1;
  }

  /** @return a trend index, or -1 for an ordinary post */
  private int pickTrend() {
    double u = random.nextDouble();
    for (int t = 0; t < trendCumulative.length; t++) {
      if (u < trendCumulative[t]) {
        return t;
      }
    }
    return -1;
  }

  private String text(int lang, int trend) {
    StringBuilder b = sb;
    b.setLength(0);
    if (random.nextInt(7) == 0) {
      b.append('@');
      if (tail != null && random.nextDouble() < tail.params().handleShare()) {
        tail.handle(b, tail.rank(random, tail.params().handleOffset()));
      } else {
        b.append(HANDLES[random.nextInt(HANDLES.length)]).append(random.nextInt(100));
      }
      b.append(' ');
    }
    if (lang == JA) {
      japaneseSentence(b, lang, trend);
    } else {
      spacedSentence(b, lang, trend);
    }
    if (random.nextInt(6) == 0) {
      b.append(' ').append(EMOJI[random.nextInt(EMOJI.length)]);
    }
    if (trend >= 0) {
      b.append(' ').append(TRENDS.get(trend).hashtag());
    }
    if (random.nextInt(4) == 0) {
      b.append(' ');
      if (tail != null && random.nextDouble() < tail.params().tagShare()) {
        tail.hashtag(b, lang, tail.rank(random, tail.params().tagOffset()));
      } else {
        String[] tags = TAGS[lang];
        b.append(tags[random.nextInt(tags.length)]);
      }
    }
    if (random.nextInt(5) == 0) {
      b.append(" https://t.co/");
      if (tail != null) {
        tail.link(b, tail.rank(random, tail.params().urlOffset()));
      } else {
        for (int k = 0; k < 10; k++) {
          b.append(BASE62[random.nextInt(BASE62.length)]);
        }
      }
    }
    return b.toString();
  }

  private void spacedSentence(StringBuilder b, int lang, int trend) {
    String[] words = WORDS[lang];
    String[] function = FUNCTION[lang];
    int n = 4 + random.nextInt(9);
    int trendSlot = trend >= 0 ? random.nextInt(n) : -1;
    for (int k = 0; k < n; k++) {
      if (k > 0) {
        b.append(' ');
      }
      if (k == trendSlot) {
        String[] tw = TRENDS.get(trend).wordsByLang()[lang];
        b.append(tw[random.nextInt(tw.length)]);
      } else if (random.nextInt(5) < 2) {
        b.append(function[random.nextInt(function.length)]);
      } else {
        contentWord(b, lang, words);
      }
    }
    b.append(PUNCT[random.nextInt(PUNCT.length)]);
  }

  /** Japanese: noun-particle pairs then a predicate, no spaces, as people write it. */
  private void japaneseSentence(StringBuilder b, int lang, int trend) {
    String[] words = WORDS[lang];
    String[] particles = FUNCTION[lang];
    int n = 2 + random.nextInt(4);
    int trendSlot = trend >= 0 ? random.nextInt(n) : -1;
    for (int k = 0; k < n; k++) {
      if (k == trendSlot) {
        String[] tw = TRENDS.get(trend).wordsByLang()[lang];
        b.append(tw[random.nextInt(tw.length)]);
      } else {
        contentWord(b, lang, words);
      }
      b.append(particles[random.nextInt(particles.length)]);
    }
    b.append(JA_ENDINGS[random.nextInt(JA_ENDINGS.length)]);
    b.append(JA_PUNCT[random.nextInt(JA_PUNCT.length)]);
  }

  /**
   * A head word, or with the vocabulary's tail a tail word now and then, or a head word with a
   * typo. One uniform draw decides among the three, to keep the per-word cost low.
   */
  private void contentWord(StringBuilder b, int lang, String[] words) {
    if (tail == null) {
      b.append(words[skewed(words.length)]);
      return;
    }
    Vocabulary.Tail p = tail.params();
    double u = random.nextDouble();
    if (u < p.wordShare()) {
      tail.word(b, lang, tail.rank(random, p.wordOffset()));
      return;
    }
    int from = b.length();
    b.append(words[skewed(words.length)]);
    if (u < p.wordShare() + p.typoRate() && lang != JA) {
      tail.typo(b, from, random);
    }
  }

  /** Zipf-like: squaring a uniform draw favours the front of a frequency-ordered list. */
  private int skewed(int n) {
    double u = random.nextDouble();
    return (int) (u * u * n);
  }

  private String createdAt(long eventMillis) {
    long second = Math.floorDiv(eventMillis, 1000L);
    if (second != cachedSecond) {
      cachedSecond = second;
      cachedCreatedAt = TwitterTime.format(second * 1000L);
    }
    return cachedCreatedAt;
  }

  /** Posts generated so far. */
  public long count() {
    return index;
  }

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  @Override
  public String describe() {
    return "synthetic(seed=" + seed + ", vocabulary=" + vocabulary.flagValue() + ")";
  }
}
