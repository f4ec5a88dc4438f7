package main

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// scriptLanguages are the words of the scripts style, a list per
// language: everyday words in Russian, Greek, Arabic, Hindi, Chinese,
// Japanese and Korean, for text whose runes are mostly not ASCII, and a
// little punctuation and Latin, as such text has. The public datasets
// beside the repository hold a few hundred Chinese phrases and nothing
// else outside Latin script.
var scriptLanguages = func() [][]string {
	var langs [][]string
	for _, list := range []string{
		// Russian
		"и в не на я быть он с что а по это она этот к но они мы как из у который то за свой что весь год от так о для ты же все тот мочь вы человек такой его сказать только или ещё бы себя один как уже до время если сам когда другой вот говорить наш мой знать стать при чтобы дело жизнь кто первый очень два день её новый рука даже во со раз где там под можно ну какой после их работа без самый потом надо хотеть ли слово идти большой должен место иметь ничто",
		// Greek
		"και το να η ο της είναι με που την για από δεν στο των τα θα σε ένα στην οι τον μου αλλά τις όταν πολύ μια αυτό έχει καλά χρόνια σήμερα ερώτηση απάντηση βιβλίο πόλη νερό ήλιος",
		// Arabic
		"في من على أن إلى هذا التي الذي عن مع كان هذه ما لا أو بين كل بعد قد ذلك عند غير كتاب مدينة ماء شمس سؤال جواب يوم عمل",
		// Hindi
		"के है में की और से को का एक पर यह भी नहीं हैं था कि जो कर लिए तो ही या हो किताब शहर पानी सूरज सवाल जवाब दिन काम",
		// Chinese
		"我们 你好 今天 天气 很好 问题 回答 学习 工作 城市 北京 上海 时间 朋友 电脑 手机 数据 模型 训练 语言 中文 英文 可以 需要 因为 所以 但是 如果 这个 那个 什么 怎么 为什么 谢谢 帮助 用户 助手 公司",
		// Japanese
		"こんにちは ありがとう 今日 天気 質問 回答 学習 仕事 東京 時間 友達 データ モデル 言語 日本語 できます 必要 なぜ これ それ 何 手伝い ユーザー アシスタント",
		// Korean
		"안녕하세요 감사합니다 오늘 날씨 질문 대답 공부 일 서울 시간 친구 데이터 모델 언어 한국어 필요 왜 이것 그것 무엇 도움 사용자 도우미",
	} {
		langs = append(langs, append(strings.Fields(list), "—", "«", "»", "、", "。", "،", "?", "2024", "GPT", "API"))
	}
	return langs
}()

// scriptWords are the words of every language of scriptLanguages.
var scriptWords = slices.Concat(scriptLanguages...)

// asciiEscaped returns the JSON text line with every character outside
// ASCII written as a \uXXXX escape (a pair of them above U+FFFF), as
// Python's json.dumps writes by default. Such characters stand only inside
// strings, where an escape means the same.
func asciiEscaped(line []byte) []byte {
	out := make([]byte, 0, len(line)*2)
	for i := 0; i < len(line); {
		r, n := utf8.DecodeRune(line[i:])
		switch {
		case r < utf8.RuneSelf:
			out = append(out, line[i])
		case r > 0xFFFF:
			hi, lo := utf16.EncodeRune(r)
			out = fmt.Appendf(out, `\u%04x\u%04x`, hi, lo)
		default:
			out = fmt.Appendf(out, `\u%04x`, r)
		}
		i += n
	}
	return out
}
