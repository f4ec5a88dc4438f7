"""Rows dense with what the content rules look for, for bench/same.sh.

    python3 bench/targets.py [ROWS [SEED [FORMAT]]] > bench/out/targets.jsonl

Each text mixes filler words with the targets of Q003, Q004, Q007, Q010,
Q011, Q012 and Q013 and with near misses of them (a phrase inside a word,
a Markdown heading, "task-", a bracket in code), so that an optimisation of
those rules' searches that changes a finding shows in the comparison.
FORMAT is mixed (the default), chat, alpaca, pc (prompt/completion),
sharegpt or text; half the rows are written with non-ASCII escaped, as
Python's json writes them by default.
"""
import json, random, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
r = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
filler = "the of and to in a is that for it as was with be by on not he I this are or his from at which but have an they you were her she there one all we can their has been if more when will would who so no".split()
pieces = {
 "Q003": ["As an AI language model, I cannot", "I'm sorry, but I can't", "I’m sorry, but I can’t help", "I cannot assist with that", "as of my last knowledge update",
          "I don't have personal opinions", "I'm just an AI", "I am an AI and", "I am an aide", "I am an AI", "Als KI-Sprachmodell kann ich", "en tant que modèle de langage",
          "como modelo de lenguaje", "AS AN AI,", "my training data only goes", "I can't browse the internet", "asas an ai", "I'm an AIDS researcher"],
 "Q004": ["{{name}}", "{{ author }}", "[Your Name]", "[INSERT text here]", "<placeholder>", "<your email>", "lorem ipsum dolor", "Lorem ipsum", "TODO", "TBD", "FIXME", "TODOS",
          "{name}", "{first_name}", "${name}", "/users/{id}", "#{x}", "\"{x}\"", "[Customer Name]", "[Date]", "Dear [Name],", "[number of years]", "[the docs](http://x)", "[1]",
          "[Chorus]", "```\n{x}\n```", "`{y}`", "a[i]", "{{", "}}", "[ name ]", "[Student’s Name]", "\n[Your Name]", "template", "fill in the"],
 "Q007": ["sk-proj-abcdEFGH1234ijklMNOP5678qrst", "sk-ant-api03-abcdefghijklmnopqrstuvwx", "AKIAIOSFODNN7EXAMPLE", "ASIA1234567890ABCDEF", "ghp_" + "a1B2c3D4e5" * 3 + "f6G7h8",
          "github_pat_" + "x" * 45, "xoxb-1234567890-abcdef", "AIza" + "B" * 35, "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "rk_live_" + "z" * 22,
          "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop", "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----", "-----", "task-based", "risk-free",
          "ask-", "weight_decay", "the_gh_x", "xox-", "AIzaShort", "AKIA", "key-----BEGIN", "eyJ", "desk_live"],
 "Q010": ["### Instruction:", "### Response:", "### Input:\n", "### Input validation", "\n\nHuman: hi", "\nAssistant: ok", "\nUSER: x", "\nASSISTANT: y", "[INST]", "[/INST]",
          "<<SYS>>", "<</SYS>>", "<s>[INST]", "<s>", "</s>", "<start_of_turn>", "\n18. Instruction: do", "\n1. Input: data", "\n#####\n", "\n##\n", "\nUser: next", "\nInstruction: go",
          "\n### Human", "\n### Assistant", "#hashtag", "## Heading", "dialogue", "chat"],
 "Q011": ["<Picture Attached>", "<image>", "[Image of a cat]", "[photo", "<audio>", "[screenshot]", "the attached file", "this photo", "the painting below", "the following image:",
          "the video game", "this image format", "the chart should show", "attached diagram", "Summarize the article at https://example.com/a", "read https://x.org/p", "http://", "://"],
 "Q012": ["\u200b", "\u2060", "\ufeff", "\u00ad", "\u0007", "\ufffd", "donâ€™t", "Ã©tÃ©", "Â ", "&amp;", "&#39;", "&nbsp;", "&lt;/div&gt;", "</div>", "\\n", "\\t", "Hello.\\nWorld",
          "\n\u00a0 indented", "\u00a0", "C:\\new", "\u0080", "é", "ñ", "中文", "😀", "’"],
}
def loop():
    unit = r.choice(["Eat a banana! ", "The moon is a star. ", "ha ", "I love you so much and I mean it. ", "abc"])
    if r.random() < 0.3:
        return "".join(f"{k}. The moon is a star.\n" for k in range(1, r.randint(5, 40)))
    return unit * r.randint(3, 60)
def text(maxlen):
    out = []
    total = r.randint(0, maxlen)
    size = 0
    while size < total:
        x = r.random()
        if x < 0.55:
            w = r.choice(filler)
        elif x < 0.95:
            w = r.choice(pieces[r.choice(list(pieces))])
        elif x < 0.97:
            w = loop()
        else:
            w = r.choice(["\n", "\n\n", "```", "`", "[", "<", "{", "#", ":", "-", "_"])
        out.append(w)
        size += len(w) + 1
    sep = r.choice([" ", " ", "", "\n"])
    return sep.join(out)
fmt = sys.argv[3] if len(sys.argv) > 3 else "mixed"
lo, hi = {"mixed": (0, 1), "chat": (0, 0.45), "alpaca": (0.45, 0.7), "pc": (0.7, 0.8), "sharegpt": (0.8, 0.92), "text": (0.92, 1)}[fmt]
def row():
    f = lo + r.random() * (hi - lo)
    if f < 0.45:
        msgs = []
        if r.random() < 0.3:
            msgs.append({"role": "system", "content": text(200)})
        for _ in range(r.randint(1, 4)):
            msgs.append({"role": "user", "content": text(r.choice([100, 800, 3000]))})
            c = text(r.choice([100, 800, 3000]))
            if r.random() < 0.05:
                c = [{"type": "text", "text": c}, {"type": "text", "text": text(100)}]
            if r.random() < 0.03:
                msgs.append({"role": "assistant"})
            else:
                msgs.append({"role": "assistant", "content": c})
        return {"messages": msgs}
    if f < 0.7:
        return {"instruction": text(300), "input": r.choice(["", text(800)]), "output": text(r.choice([200, 1500]))}
    if f < 0.8:
        return {"prompt": text(500), "completion": text(1000)}
    if f < 0.92:
        return {"conversations": [{"from": r.choice(["human", "gpt", "system"]), "value": text(600)} for _ in range(r.randint(1, 5))]}
    return {"text": text(2000)}
for _ in range(n):
    print(json.dumps(row(), ensure_ascii=r.random() < 0.5))
