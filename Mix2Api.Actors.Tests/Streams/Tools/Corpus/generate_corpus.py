#!/usr/bin/env python3
"""Generates tool-outputs.jsonl: model outputs and what the client must see.

The expected values are written here independently of the C# transform (they follow the rules in
docs/TOOLS.md): content = the text with every envelope (and a fence around it) removed and any
`final` string put in its place, trimmed at both ends; calls = declared calls with their arguments
exactly as written (a string-wrapped argument is its decoded string). Run: python3 generate_corpus.py
"""
import json

NOTICE = "抱歉，工具调用响应格式异常，请重试。"
rows = []


def add(cat, inp, content="", calls=(), tools=None, parallel=True, mid=False, note=None):
    row = {"id": f"{cat}-{sum(1 for r in rows if r['id'].startswith(cat + '-')) + 1:03d}", "input": inp,
           "content": content, "calls": [{"name": n, "arguments": a} for n, a in calls]}
    if tools is not None:
        row["tools"] = tools
    if not parallel:
        row["parallel"] = False
    if mid:
        row["endedMidCall"] = True
    if note:
        row["note"] = note
    rows.append(row)


def call_env(name, args):
    return '{"tool_call":{"name":"%s","arguments":%s}}' % (name, args)


def calls_env(*pairs):
    return '{"tool_calls":[%s]}' % ",".join('{"name":"%s","arguments":%s}' % p for p in pairs)


def final_env(s, ascii=True, indent=None):
    return json.dumps({"final": s}, ensure_ascii=ascii, indent=indent)


# ---- A. plain prose (never held longer than needed, never changed) --------------------------------
prose = [
    "Hello, world.",
    "The capital of France is Paris.",
    "这是一个中文回答，没有任何工具调用。",
    "混合 English 和中文 text 🙂 with emoji 😀.",
    "# Title\n\n- item one\n- item two\n\nDone.",
    "Use this:\nfunction f() { return {a: 1}; }\nThat's it.",
    'JSON example: {"a": 1, "b": [1,2]} is valid.',
    "The set {1, 2, 3} has three elements.",
    "Inline `code` and ``double`` ticks.",
    "```python\nprint('hi')\n```\nDone.",
    '```json\n{"config": true}\n```',
    "tool_call is the word we use.",
    "today\ntomorrow\ntool time\nthe end",
    "Tools are nice.\nTOOL_CALLS are not used here",
    'I said {"name": "read_file", "arguments": {"path": "/x"}} as an example.',
    '{"name": "John", "arguments": ["a"]}',
    '{"name": "read_file"} is a tool I have.',
    "{not json at all}",
    "{{double braces}}",
    '{ "finalize": 1 }',
    "A sentence with a trailing brace {",
    "Ends with ticks ``",
    "Ends with fence ```json\n",
    "  leading and trailing spaces  ",
    "Tab\tseparated\tvalues",
    "Emoji only 😀😃😄",
    '{"tool": "x"}',
    "Here is the map: {\n  \"lat\": 1\n}",
    "tool_callback: maybe",
    "````\nfour ticks\n````",
    ("Lorem ipsum dolor sit amet, 中文段落。 " * 60).strip(),
    "价格是 ¥100，折扣 {八折}。",
    '```python\nd = {"final": 1}\nprint(d)\n```',
    '```\ntool_call: x\n{"tool_call": {"name": "bash", "arguments": {}}}\n```\nAbove is an example, not a call.',
]
for p in prose:
    add("prose", p, p.strip())

# ---- B. final envelopes (decoded and streamed) ---------------------------------------------------
finals = [
    "Hello", "Line1\nLine2", 'He said "hi"', "back\\slash", "tab\there", "path/with/slashes", "中文回答",
    "emoji 😀 ok", 'mixed 中文 and "quotes" \\ and \n newline', '{"json": "inside final"}',
    "curly { and } braces", "```code fence in final```", "unicode é ñ ü", "math: 1 < 2 > 0 & 3",
    "surrogates 𝄞 music", "  padded  ", "tool_call: not a call", '{"tool_call": "fake"}', "🙂🙃", "a\r\nb",
]
for s in finals:
    add("final", final_env(s, ascii=True), s.strip())
    add("final", final_env(s, ascii=False), s.strip())
for s in ["Pretty printed 中文", "multi\nline\nanswer", "😀 first"]:
    add("final", final_env(s, ascii=True, indent=2), s.strip())
add("final", '{"final":"a\\/b\\u0041\\u00e9"}', "a/bAé")
add("final", '{ "final" : "spaced" }', "spaced")
add("final", '{"final":""}', NOTICE, note="an empty final is treated as a malformed answer")
add("final", '{"final":"\\ud83d\\ude00\\ud83d\\ude01"}', "😀😁")
add("final", '{"final":"lone \\ud83d here"}', "lone \ufffd here", note="a lone escaped surrogate becomes U+FFFD")

# ---- C. single calls: arguments byte-exact ---------------------------------------------------------
args_list = [
    '{"path": "/srv/a.txt"}',
    '{"path":"/srv/a.txt","encoding":"utf8"}',
    '{}',
    '{ "a" : 1 , "b" : [ 1 , 2 ] }',
    '{"content": "{\\"nested\\": \\"json\\"}"}',
    '{"content": "braces { } [ ] inside"}',
    '{"content": "quote \\" and backslash \\\\"}',
    '{"n": 1.5e3, "t": true, "f": false, "z": null}',
    '{"deep": {"a": {"b": {"c": [1, {"d": "e"}]}}}}',
    '{"text": "中文参数"}',
    '{"text": "\\u4e2d\\u6587"}',
    '{"emoji": "😀"}',
    '{"emoji": "\\ud83d\\ude00"}',
    '{"multi": "line1\\nline2"}',
    '{\n  "path": "/x",\n  "lines": [1, 2]\n}',
    '["array", "args"]',
    '{"cmd": "echo \'}\' && ls"}',
    '{"code": "if (a) { b(); }"}',
    '{"url": "http://x/y?a=1&b=2"}',
    '{"empty": "", "arr": [], "obj": {}}',
]
names = ["read_file", "write_file", "bash", "grep_code", "list_files"]
for i, a in enumerate(args_list):
    n = names[i % len(names)]
    add("call", call_env(n, a), "", [(n, a)])
    add("call", '{"tool_call":{"arguments":%s,"name":"%s"}}' % (a, n), "", [(n, a)],
        note="name after arguments: arguments held until the name is known")

# ---- D. call shapes ------------------------------------------------------------------------------
add("shape", '{"tool_call":{"name":"list_files"}}', "", [("list_files", "{}")])
add("shape", '{"tool_call":{"name":"list_files","arguments":null}}', "", [("list_files", "{}")])
add("shape", '{"tool_call":{"name":"read_file","arguments":"{\\"path\\":\\"/x\\"}"}}', "", [("read_file", '{"path":"/x"}')])
add("shape", '{"tool_call":{"name":"read_file","arguments":"{\\"text\\":\\"\\u4e2d\\"}"}}', "", [("read_file", '{"text":"中"}')])
add("shape", '{"tool_call":{"name":"read_file","arguments":""}}', "", [("read_file", "{}")])
add("shape", '{"tool_calls":[{"id":"x","type":"function","function":{"name":"read_file","arguments":"{\\"path\\":\\"/a\\"}"}}]}',
    "", [("read_file", '{"path":"/a"}')])
add("shape", '{"tool_call":{"id":"legacy-1","type":"function","name":"bash","arguments":{"cmd":"ls"}}}', "", [("bash", '{"cmd":"ls"}')])
add("shape", '{"tool_call":{"name":"bash","parameters":{"cmd":"pwd"}}}', "", [("bash", '{"cmd":"pwd"}')])
add("shape", '{\n"tool_call"\n:\n{\n"name"\n:\n"read_file"\n,\n"arguments"\n:\n{"path":"/x"}\n}\n}', "", [("read_file", '{"path":"/x"}')])
add("shape", '{"tool_call":{"name":"read_file","arguments":{"path":"/a"}},"final":"Reading the file."}', "Reading the file.",
    [("read_file", '{"path":"/a"}')])
add("shape", '{"final":"Let me look.","tool_call":{"name":"read_file","arguments":{"path":"/a"}}}', "Let me look.",
    [("read_file", '{"path":"/a"}')])
add("shape", '{"tool_call":{"name":"bash","arguments":{"cmd":"ls"}},"thought":{"x":[1,"}"]}}', "", [("bash", '{"cmd":"ls"}')])
add("shape", '{"final": "x", "meta": {"a": [1,2,{"b":"}"}]}}', "x")
add("shape", '{"tool_call":{"name":"read\\u005ffile","arguments":{}}}', "", [("read_file", "{}")])
add("shape", '{"tool_call":{"name":"get_weather","arguments":{"city":"北京"},"extra":[{"a":"]"}]}}', "", [("get_weather", '{"city":"北京"}')])
add("shape", '{"tool_call":{"name":"bash","arguments":{"cmd":"ls"},"arguments":{"cmd":"rm"}}}', "", [("bash", '{"cmd":"ls"}')],
    note="a repeated arguments key: the first wins")
add("shape", '{"tool_call":{"name":"bash","arguments":42}}', "", [("bash", "42")], note="non-object arguments pass through as written")
add("shape", '\t{"tool_call":{"name":"bash","arguments":{"cmd":"ls"}}}\r\n', "", [("bash", '{"cmd":"ls"}')])

# ---- E. tool_calls arrays ------------------------------------------------------------------------
add("calls", calls_env(("read_file", '{"path":"/a"}'), ("list_files", '{"dir":"/"}')), "",
    [("read_file", '{"path":"/a"}'), ("list_files", '{"dir":"/"}')])
add("calls", calls_env(("read_file", '{"path":"/a"}'), ("read_file", '{"path":"/b"}'), ("grep_code", '{"q":"x{"}')), "",
    [("read_file", '{"path":"/a"}'), ("read_file", '{"path":"/b"}'), ("grep_code", '{"q":"x{"}')])
add("calls", '{"tool_calls": [\n  {"name": "bash", "arguments": {"cmd": "ls"}},\n  {"name": "bash", "arguments": {"cmd": "pwd"}}\n]}', "",
    [("bash", '{"cmd": "ls"}'), ("bash", '{"cmd": "pwd"}')])
add("calls", '{"tool_calls":[{"arguments":{"a":1},"name":"edit"},{"name":"edit","arguments":{"a":2}}]}', "",
    [("edit", '{"a":1}'), ("edit", '{"a":2}')])
add("calls", '{"tool_calls":[{"name":"read_file","arguments":{"path":"/a"}}],"final":"checking"}', "checking",
    [("read_file", '{"path":"/a"}')])
add("calls", '{"final":"two reads","tool_calls":[{"name":"read_file","arguments":{"path":"/a"}},{"name":"read_file","arguments":{"path":"/b"}}]}',
    "two reads", [("read_file", '{"path":"/a"}'), ("read_file", '{"path":"/b"}')])
add("calls", '{"tool_calls":[1, "x", null, {"name":"bash","arguments":{"cmd":"ls"}}]}', "", [("bash", '{"cmd":"ls"}')])
add("calls", '{"tool_calls":[]}', NOTICE, note="an envelope that yields nothing is malformed")
add("calls", calls_env(("read_file", '{"path":"/a"}'), ("nuke", '{}'), ("bash", '{"cmd":"ls"}')), "",
    [("read_file", '{"path":"/a"}'), ("bash", '{"cmd":"ls"}')], note="the undeclared middle call is dropped")
add("calls", calls_env(("nuke", '{}'), ("bash", '{"cmd":"ls"}')), "", [("bash", '{"cmd":"ls"}')])
for k in range(5):
    pairs = [("read_file", '{"path":"/f%d"}' % j) for j in range(k + 2)]
    add("calls", calls_env(*pairs), "", pairs)
    add("parallel", calls_env(*pairs), "", pairs[:1], parallel=False, note="parallel_tool_calls:false: first call only")
add("parallel", call_env("bash", '{"cmd":"ls"}') + "\n" + call_env("bash", '{"cmd":"pwd"}'), "", [("bash", '{"cmd":"ls"}')], parallel=False)
add("parallel", "Doing both.\n" + calls_env(("bash", '{"cmd":"ls"}'), ("bash", '{"cmd":"pwd"}')), "Doing both.",
    [("bash", '{"cmd":"ls"}')], parallel=False)

# ---- F. fenced envelopes -------------------------------------------------------------------------
c1 = call_env("read_file", '{"path":"/a"}')
c2 = call_env("bash", '{"cmd":"ls"}')
add("fence", "```json\n" + c1 + "\n```", "", [("read_file", '{"path":"/a"}')])
add("fence", "```\n" + c1 + "\n```", "", [("read_file", '{"path":"/a"}')])
add("fence", "```JSON\n" + c1 + "\n```", "", [("read_file", '{"path":"/a"}')])
add("fence", "``` json \r\n" + c1 + "\r\n```", "", [("read_file", '{"path":"/a"}')])
add("fence", "```json" + c1 + "```", "", [("read_file", '{"path":"/a"}')])
add("fence", "```" + c1 + "```", "", [("read_file", '{"path":"/a"}')])
add("fence", "I'll read it.\n```json\n" + c1 + "\n```", "I'll read it.", [("read_file", '{"path":"/a"}')])
add("fence", "```json\n" + c1 + "\n```\nDone.", "Done.", [("read_file", '{"path":"/a"}')])
add("fence", "Before\n```json\n" + c1 + "\n" + c2 + "\n```\nAfter", "Before\n\nAfter",
    [("read_file", '{"path":"/a"}'), ("bash", '{"cmd":"ls"}')])
add("fence", "```json\n" + final_env("fenced answer") + "\n```", "fenced answer")
add("fence", "```json\n  \n" + calls_env(("bash", '{"cmd":"a"}'), ("bash", '{"cmd":"b"}')) + "\n```",
    "", [("bash", '{"cmd":"a"}'), ("bash", '{"cmd":"b"}')])
add("fence", "```json\n" + c1 + "\n```\n```json\n" + c2 + "\n```", "", [("read_file", '{"path":"/a"}'), ("bash", '{"cmd":"ls"}')])
add("fence", "```json\n{\"name\": \"bash\", \"arguments\": {\"cmd\": \"pwd\"}}\n```", "", [("bash", '{"cmd": "pwd"}')])
add("fence", "Example:\n```json\n{\"path\": \"/a\"}\n```\nThat is the config.", "Example:\n```json\n{\"path\": \"/a\"}\n```\nThat is the config.")
add("fence", "```js\nconst o = {tool: 1};\n```", "```js\nconst o = {tool: 1};\n```")

# ---- G. prose around envelopes, several envelopes ---------------------------------------------------
add("mixed", "Let me check the file.\n\n" + c1, "Let me check the file.", [("read_file", '{"path":"/a"}')])
add("mixed", "我先读取一下这个文件。\n" + c1, "我先读取一下这个文件。", [("read_file", '{"path":"/a"}')])
add("mixed", c1 + "\n" + c2 + "\n" + call_env("list_files", '{"dir":"."}'), "",
    [("read_file", '{"path":"/a"}'), ("bash", '{"cmd":"ls"}'), ("list_files", '{"dir":"."}')])
add("mixed", c1 + c2, "", [("read_file", '{"path":"/a"}'), ("bash", '{"cmd":"ls"}')])
add("mixed", final_env("A") + "\n" + final_env("B"), "A\nB")
add("mixed", "Answer: " + final_env("X") + " Thanks.", "Answer: X Thanks.")
add("mixed", "Before.\n" + c1 + "\nAfter.", "Before.\n\nAfter.", [("read_file", '{"path":"/a"}')])
add("mixed", 'a{"final":"b"}c', "abc")
add("mixed", "Step 1 {" + "\"tool_call\":{\"name\":\"bash\",\"arguments\":{\"cmd\":\"make\"}}} then step 2.",
    "Step 1  then step 2.", [("bash", '{"cmd":"make"}')])
add("mixed", final_env("Reading now") + "\n" + c1, "Reading now", [("read_file", '{"path":"/a"}')])
add("mixed", "Text with {curly} first, then\n" + c2, "Text with {curly} first, then", [("bash", '{"cmd":"ls"}')])
add("mixed", "```python\nx = {}\n```\n" + c2, "```python\nx = {}\n```", [("bash", '{"cmd":"ls"}')])
add("mixed", "`inline` " + c2 + " `more`", "`inline`  `more`", [("bash", '{"cmd":"ls"}')])
add("mixed", "\n\n\n" + c2 + "\n\n\n", "", [("bash", '{"cmd":"ls"}')])
add("mixed", "好的。" + final_env("结果是 42。", ascii=False) + "还有问题吗？", "好的。结果是 42。还有问题吗？")

# ---- H. undeclared tools: never emitted ----------------------------------------------------------------
add("undeclared", call_env("delete_everything", '{"path":"/"}'), NOTICE)
add("undeclared", '{"tool_calls":[{"name":"mcp_tool","arguments":{}}],"final":"mcp tools are client-side only"}',
    "mcp tools are client-side only", note="digest test 62")
add("undeclared", "Let me try.\n" + call_env("nuke", "{}"), "Let me try.")
add("undeclared", call_env("Read_File", '{"path":"/a"}'), NOTICE, note="names are case-sensitive")
add("undeclared", call_env("x" * 300, "{}"), NOTICE)
add("undeclared", call_env("bash", '{"cmd":"ls"}'), NOTICE, tools=["read_file"], note="a named tool_choice allows only that tool")
add("undeclared", call_env("nuke", "{}") + "\n" + call_env("bash", '{"cmd":"ls"}'), "", [("bash", '{"cmd":"ls"}')])
add("undeclared", '{"tool_call":{"arguments":{"path":"/secret"}}}', NOTICE, note="a call without a name")
add("undeclared", '{"tool_call":{"arguments":{"path":"/secret"}}}\nSorry, retrying.', "Sorry, retrying.")
add("undeclared", '{"tool_call":{"name":"nuke","arguments":"{\\"a\\":1}"}}', NOTICE)
add("undeclared", '{"tool_call":{"name":123,"arguments":{}}}', NOTICE)
add("undeclared", '{"final":null}', NOTICE)

# ---- I. loose pseudo-JSON (digest §4.4 step 3) -------------------------------------------------------
add("loose", "我来读取文件。\n{tool_call: (name: read, arguments: (filePath:/home/user/help.md}}", "我来读取文件。",
    [("read", '{"filePath":"/home/user/help.md"}')], note="digest test 55")
add("loose", "{tool_call: (name: read)}", "", [("read", "{}")], note="digest test 56")
add("loose", "请稍等 {tool_call: (arguments: (filePath:/srv/secret.txt}}", "请稍等",
    note="digest test 57: the nameless fragment is dropped; the prose around it is kept")
add("loose", "{tool_call: (arguments: (filePath:/srv/secret.txt}}", NOTICE, note="digest test 57 without prose")
add("loose", "{tool_call: {name: read_file, arguments: {path: /srv/a.txt, limit: 10, force: true}}}", "",
    [("read_file", '{"path":"/srv/a.txt","limit":10,"force":true}')])
add("loose", '{tool_call: {name: "bash", arguments: {"cmd": "ls -la"}}}', "", [("bash", '{"cmd": "ls -la"}')])
add("loose", "tool_call: (name: read, arguments: (filePath:/x))", "", [("read", '{"filePath":"/x"}')])
add("loose", 'I\'ll read it.\ntool_call: name=read_file, arguments={"path":"/x"}', "I'll read it.", [("read_file", '{"path":"/x"}')])
add("loose", '{"tool_call": "{\\"name\\":\\"read_file\\",\\"arguments\\":{\\"path\\":\\"/x\\"}}"}', "", [("read_file", '{"path":"/x"}')])
add("loose", "{tool_call: (name: read, arguments: (filePath:/x}}\nDone.", "Done.", [("read", '{"filePath":"/x"}')])
add("loose", "{tool_calls: [(name: read, arguments: (filePath:/a)), (name: read, arguments: (filePath:/b))]}", "",
    [("read", '{"filePath":"/a"}'), ("read", '{"filePath":"/b"}')])
add("loose", "{tool_call: (name: 'read', arguments: (filePath: '/x y'))}", "", [("read", '{"filePath":"/x y"}')])
add("loose", "{tool_call: (name: rm_rf, arguments: (path:/))}", NOTICE)
add("loose", "{tool_call: (name: read_file, arguments: (path: /a, offset: 10, limit: -5, raw: false, enc: null))}", "",
    [("read_file", '{"path":"/a","offset":10,"limit":-5,"raw":false,"enc":null}')])
add("loose", '{"tool_call": (name: read, arguments: (filePath:/x))}', "", [("read", '{"filePath":"/x"}')])
add("loose", "{tool_call = (name = read, arguments = (filePath = /x))}", "", [("read", '{"filePath":"/x"}')])
add("loose", "{tool_call: (name: read, arguments: (filePath:/a, note: 中文 说明))}", "",
    [("read", '{"filePath":"/a","note":"中文 说明"}')])
add("loose", "{TOOL_CALL: (name: read, arguments: /x)}", "", [("read", '{"value":"/x"}')], note="a lone scalar becomes {value}")
add("loose", '{"tool_calls": "[]"}', NOTICE)
add("loose", "{'tool_call': {'name': 'read_file', 'arguments': {'path': '/a', 'limit': 5}}}", "",
    [("read_file", '{"path":"/a","limit":5}')], note="Python-dict style quotes")
add("loose", "{'final': 'single quoted answer'}", "single quoted answer")
add("loose", "{'tool_calls': [{'name': 'bash', 'arguments': {'cmd': 'ls'}}, {'name': 'bash', 'arguments': {'cmd': 'pwd'}}]}", "",
    [("bash", '{"cmd":"ls"}'), ("bash", '{"cmd":"pwd"}')])
add("prose", "{'a': 1} is a Python dict.", "{'a': 1} is a Python dict.")
add("loose", "{tool_call: (name: bash, arguments: (cmd: \"ls, -la\", cwd: /tmp))}", "", [("bash", '{"cmd":"ls, -la","cwd":"/tmp"}')])

# ---- J. truncated generations ---------------------------------------------------------------------
add("truncated", '{"final":"partial answer', "partial answer")
add("truncated", '{"final":"emoji \\ud83d', "emoji", note="a cut surrogate escape is dropped")
add("truncated", '{"tool_call":{"name":"read_file","arguments":{"path":"/tm', "", [("read_file", '{"path":"/tm')], mid=True,
    note="arguments already streamed are never altered; EndedMidCall tells the writer to report length")
add("truncated", '{"tool_call":{"name":"read_file"', "", [("read_file", "{}")], mid=True)
add("truncated", '{"tool_call":{"name":"read_file","arguments":"{\\"path\\":\\"/a', "", [("read_file", '{"path":"/a')], mid=True)
add("truncated", '{"tool_call":{"name":"read_fi', NOTICE)
add("truncated", '{"tool_ca', NOTICE)
add("truncated", '{"final', NOTICE)
add("truncated", 'Some prose {"tool_call":{"name":"bash","arguments":{"cmd":"ls"}}', "Some prose", [("bash", '{"cmd":"ls"}')])
add("truncated", '{"tool_calls":[{"name":"read_file","arguments":{"path":"/a"}},{"name":"list_', "", [("read_file", '{"path":"/a"}')])
add("truncated", "Prose then {", "Prose then {")
add("truncated", '```json\n{"tool_call":{"name":"bash","arguments":{"cmd":"ls"}}}', "", [("bash", '{"cmd":"ls"}')])
add("truncated", "{tool_call: (name: read, arguments: (filePath:/x", "", [("read", '{"filePath":"/x"}')])
add("truncated", '{"tool_call":{"arguments":{"path":"/a"}', NOTICE)
add("truncated", '{"tool_call":{"name":"bash","arguments":{"cmd":"ls"}}\nDone.', "Done.", [("bash", '{"cmd":"ls"}')],
    note="broken JSON after a complete call: the call stands, the rest is text")
add("truncated", '{"tool_call":{"name":"bash","arguments":{"cmd":"ls"}}}\n```', "```", [("bash", '{"cmd":"ls"}')],
    note="a stray ``` after an envelope that was not fenced is ordinary text")

# ---- K. bare {"name","arguments"} form ----------------------------------------------------------------
add("bare", '{"name":"read_file","arguments":{"path":"/a"}}', "", [("read_file", '{"path":"/a"}')])
add("bare", 'Sure.\n{"name":"read_file","arguments":{"path":"/a"}}', 'Sure.\n{"name":"read_file","arguments":{"path":"/a"}}',
    note="a name/arguments object after prose is not a call (digest weakness 22)")
add("bare", c1 + '\n{"name":"bash","arguments":{"cmd":"ls"}}', "", [("read_file", '{"path":"/a"}'), ("bash", '{"cmd":"ls"}')])
add("bare", '{"name":"read_file","parameters":{"path":"/a"}}', "", [("read_file", '{"path":"/a"}')])
add("bare", '{"name": "read_file", "description": "x"}', '{"name": "read_file", "description": "x"}')
add("bare", '{"name":"read_file","arguments":"{\\"path\\":\\"/a\\"}"}', "", [("read_file", '{"path":"/a"}')])
add("bare", '{ "name" : "bash" , "arguments" : { "cmd" : "ls" } }', "", [("bash", '{ "cmd" : "ls" }')])
add("bare", '{"name":"bash","arguments":{"cmd":"ls"},"id":"x"}', "", [("bash", '{"cmd":"ls"}')])

# ---- L. CJK and whitespace -------------------------------------------------------------------------
add("cjk", "你好！我是助手。\n有什么可以帮你？", "你好！我是助手。\n有什么可以帮你？")
add("cjk", final_env("第一行\n第二行：包含“引号”和『括号』", ascii=False), "第一行\n第二行：包含“引号”和『括号』")
add("cjk", final_env("第一行\n第二行：包含“引号”和『括号』", ascii=True), "第一行\n第二行：包含“引号”和『括号』")
add("cjk", call_env("write_file", '{"path":"/笔记.md","content":"# 标题\\n正文 😀"}'), "",
    [("write_file", '{"path":"/笔记.md","content":"# 标题\\n正文 😀"}')])
add("cjk", "好的，我来写入文件：\n```json\n" + call_env("write_file", '{"path":"a.txt","content":"内容"}') + "\n```",
    "好的，我来写入文件：", [("write_file", '{"path":"a.txt","content":"内容"}')])
add("cjk", "　全角空格开头", "全角空格开头")
add("cjk", "表情😀在中间😃结束", "表情😀在中间😃结束")
add("cjk", "{\"final\":\"\\u4f60\\u597d\\uff0c\\u4e16\\u754c\"}", "你好，世界")

if __name__ == "__main__":
    import os
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tool-outputs.jsonl")
    with open(out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(len(rows), "rows")
