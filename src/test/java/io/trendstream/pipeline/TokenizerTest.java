package io.trendstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenizerTest {

  @Test
  void wordsLowercasesAndStripsPunctuationAroundWords() {
    assertThat(Tokenizer.WORDS.tokenize("Hello, World! (Spark) \"Kafka\"..."))
        .containsExactly("hello", "world", "spark", "kafka");
  }

  @Test
  void wordsKeepsHashtagsAndMentionsWhole() {
    assertThat(Tokenizer.WORDS.tokenize("Deals at @BestBuy #BlackFriday... #Kafka4 # @ ##x"))
        .containsExactly("deals", "at", "@bestbuy", "#blackfriday", "#kafka4", "#x");
  }

  @Test
  void wordsDropsUrls() {
    assertThat(Tokenizer.WORDS.tokenize("read http://t.co/at01bG91Nj and HTTPS://x.com/a www.b.org ok"))
        .containsExactly("read", "and", "ok");
  }

  @Test
  void wordsKeepsJoinersInsideWords() {
    assertThat(Tokenizer.WORDS.tokenize("don't e-mail v3.5 'quoted' end-"))
        .containsExactly("don't", "e-mail", "v3.5", "quoted", "end");
  }

  @Test
  void wordsSplitsPunctuationInsideAChunk() {
    assertThat(Tokenizer.WORDS.tokenize("yes!!!no spark/kafka a,b"))
        .containsExactly("yes", "no", "spark", "kafka", "a", "b");
  }

  @Test
  void wordsSplitsJapaneseAndChineseIntoWords() {
    assertThat(Tokenizer.WORDS.tokenize("東京でカフカの勉強会があります"))
        .containsExactly("東京", "で", "カフカ", "の", "勉強", "会", "が", "あり", "ます");
    assertThat(Tokenizer.WORDS.tokenize("我喜欢学习流处理"))
        .contains("喜欢", "学习")
        .hasSizeGreaterThan(2);
  }

  @Test
  void wordsKeepsHashtagsInSpacelessScriptsWhole() {
    assertThat(Tokenizer.WORDS.tokenize("#東京 楽しい")).startsWith("#東京");
  }

  @Test
  void wordsHandlesAccentsEmojiAndEmptyText() {
    assertThat(Tokenizer.WORDS.tokenize("Olá! Peça com Frete Grátis 🎉🔥 ¿Qué?"))
        .containsExactly("olá", "peça", "com", "frete", "grátis", "qué");
    assertThat(Tokenizer.WORDS.tokenize("")).isEmpty();
    assertThat(Tokenizer.WORDS.tokenize("!!! 🎉 ...")).isEmpty();
    assertThat(Tokenizer.WORDS.tokenize(null)).isEmpty();
  }

  @Test
  void whitespaceSplitsOnSingleSpacesExactlyLikeSparkSplit() {
    assertThat(Tokenizer.WHITESPACE.tokenize("Hello  World #Kafka "))
        .containsExactly("Hello", "", "World", "#Kafka", "");
    assertThat(Tokenizer.WHITESPACE.tokenize("a\tb")).containsExactly("a\tb");
  }

  @Test
  void parsesFlagValuesAndRejectsUnknownOnes() {
    assertThat(Tokenizer.of("Words")).isEqualTo(Tokenizer.WORDS);
    assertThat(Tokenizer.of("whitespace")).isEqualTo(Tokenizer.WHITESPACE);
    assertThatThrownBy(() -> Tokenizer.of("bpe"))
        .hasMessage("unknown tokenizer 'bpe' (expected: words, whitespace)");
  }
}
