package jsonpos

import (
	"encoding/json"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/ftls-dev/ftls/internal/bytescan/bytescantest"
)

// chatRow is a realistic 2.3 KB OpenAI chat fine-tuning row, with non-ASCII
// text and escapes.
const chatRow = `{"messages":[{"role":"system","content":"You are a helpful customer-support assistant for Nordlicht Outdoor GmbH, an online retailer of hiking and camping gear. Answer politely and concisely, follow the returns policy exactly, and never invent order details. If the customer writes in German or French, answer in the same language.\nPolicy summary:\n- Items can be returned within 30 days of delivery.\n- Items must be unused and in their original packaging.\n- Refunds are issued to the original payment method within 5–7 business days.\n- Sale items marked \"final sale\" cannot be returned."},{"role":"user","content":"Hi! I ordered the \"Gipfelstürmer 45L\" backpack (order #A-20931) on March 3rd and it arrived last week, but the hip belt is way too big for me 😕. Can I still return it? I already removed the tags but didn't use it outside. Also, my partner bought a headlamp in the same order — it was on sale (–12%), is that a \"final sale\" item? Merci beaucoup, à bientôt!"},{"role":"assistant","content":"Hello, and thanks for reaching out! Yes, you can still return the Gipfelstürmer 45L: it was delivered within the last 30 days, and removing the tags is fine as long as the backpack is unused and you send it back in its original packaging.\n\nHere is how to start the return:\n1. Go to \"My orders\" and select order #A-20931.\n2. Click \"Return an item\", choose the backpack and the reason \"Size/fit\".\n3. Print the prepaid label and drop the parcel at any partner shop.\n\nOnce we receive it, the refund goes back to your original payment method within 5–7 business days.\n\nAbout the headlamp: a discount alone does not make an item \"final sale\". Only products explicitly marked \"final sale\" on the product page are excluded, and the headlamp in your order is not one of them, so it can be returned under the same 30-day policy.\n\nIf the hip belt is the only problem, you could also exchange the pack for the Gipfelstürmer 45L \"S/M\" version instead: the exchange is free, and we ship the new size as soon as the return is scanned at the carrier, so you do not have to wait for the refund.\n\nIs there anything else I can help you with? Bonne journ\u00e9e !"}],"metadata":{"category":"returns","source":"support-log-2024","lang":"en","quality":0.92,"reviewed":true}}`

func TestChatRowSize(t *testing.T) {
	if n := len(chatRow); n < 2200 || n > 2400 {
		t.Fatalf("chatRow is %d bytes, want about 2.3 KB", n)
	}
	if !json.Valid([]byte(chatRow)) {
		t.Fatal("chatRow is not valid JSON")
	}
}

func BenchmarkParse(b *testing.B) {
	data := []byte(chatRow)
	var p Parser
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanners parses the chat row with each string scanner this
// machine runs: "plain" eight bytes a word, "avx2" 64 bytes at a time.
func BenchmarkScanners(b *testing.B) {
	data := []byte(chatRow)
	for _, fast := range bytescantest.Modes() {
		b.Run(bytescantest.Name(fast), func(b *testing.B) {
			defer bytescantest.Set(fast)()
			var p Parser
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := p.Parse(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFastjsonParse(b *testing.B) {
	data := []byte(chatRow)
	var p fastjson.Parser
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.ParseBytes(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodingJSONValid(b *testing.B) {
	data := []byte(chatRow)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if !json.Valid(data) {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkFastjsonValidate(b *testing.B) {
	data := []byte(chatRow)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := fastjson.ValidateBytes(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendCanonical(b *testing.B) {
	data := []byte(chatRow)
	var p Parser
	v, err := p.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 4096)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		buf = v.AppendCanonical(buf[:0])
	}
}

func BenchmarkDuplicates(b *testing.B) {
	data := []byte(chatRow)
	var p Parser
	v, err := p.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if v.Duplicates() != nil {
			b.Fatal("duplicates")
		}
	}
}

func BenchmarkStr(b *testing.B) {
	data := []byte(chatRow)
	var p Parser
	v, err := p.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	content := v.Path("messages", 2, "content")
	buf := make([]byte, 0, 4096)
	b.SetBytes(int64(len(content.Raw())))
	b.ReportAllocs()
	for b.Loop() {
		buf = content.AppendStr(buf[:0])
	}
}
