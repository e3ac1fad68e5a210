"""A loopback OpenAI-compatible `/v1/chat/completions` server with canned answers.

Real HTTP on 127.0.0.1, so the code under test goes through the openai client unchanged. Tests
queue replies with `push()`; when the queue is empty `respond` (default: a faithful answer for
the paper in the request) decides. Every request body is kept in `requests`.

`Reply.recorded(name)` answers with a real provider's recorded reply from
tests/fixtures/llm/ (status, headers, content type and body as recorded; see SOURCES.md there),
optionally with our answer put in place of its content, in the recorded shape (after its
`<think>` block, inside its Markdown fence).
"""

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RECORDINGS = Path(__file__).resolve().parent.parent / "fixtures" / "llm"
# Headers of a recording that describe the recorded transfer, not the reply.
TRANSFER_HEADERS = {"content-length", "transfer-encoding", "connection", "content-encoding"}


@dataclass
class Reply:
    status: int = 200
    # The assistant message of a 200 reply; None: a faithful answer for the requested paper,
    # with `overrides` (see faithful_answer_json).
    content: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    overrides: dict = field(default_factory=dict)
    body: bytes | None = None  # sent as is (a recording), instead of a generated body
    content_type: str = "application/json"

    @classmethod
    def error(cls, status: int, **headers: str) -> "Reply":
        return cls(status=status, headers={k.replace("_", "-"): v for k, v in headers.items()})

    @classmethod
    def answer(cls, **overrides) -> "Reply":
        """A faithful answer for the paper in the request, with some fields overridden."""
        return cls(overrides=overrides)

    @classmethod
    def recorded(cls, name: str, *, answer: str | None = None, **choice) -> "Reply":
        """The recording `name` (file name without extension), as recorded; with `answer`, that
        text replaces the recorded answer in the recorded shape; `choice` overrides fields of
        the first choice (e.g. finish_reason)."""
        meta = json.loads((RECORDINGS / f"{name}.meta.json").read_text())
        response = meta.get("response", {})
        status = response.get("status", {}).get("code", 200)
        headers = {
            key: values[0]
            for key, values in response.get("headers", {}).items()
            if key.lower() not in TRANSFER_HEADERS
        }
        content_type = headers.pop("content-type", None)
        path = next(RECORDINGS.glob(f"{name}.json"), None) or RECORDINGS / f"{name}.txt"
        body = path.read_bytes()
        if answer is not None or choice:
            data = json.loads(body)
            first = data["choices"][0]
            if answer is not None:
                first["message"]["content"] = _in_recorded_shape(
                    first["message"].get("content") or "", answer
                )
            first.update(choice)
            body = json.dumps(data, ensure_ascii=False).encode()
        if content_type is None:
            content_type = "text/plain" if path.suffix == ".txt" else "application/json"
        return cls(status=status, headers=headers, body=body, content_type=content_type)


def _in_recorded_shape(recorded: str, answer: str) -> str:
    think = re.match(r"\s*<think>.*?</think>\s*", recorded, re.S)
    if think:
        return think.group(0) + answer
    fence = re.match(r"```(\w*)\n", recorded)
    if fence:
        return f"{fence.group(0)}{answer}\n```"
    return answer


def answer_dict(arxiv_id: str = "", **overrides) -> dict:
    """A valid answer: canned Chinese test text, one hit on topic `llm` unless overridden."""
    answer = {
        "title_zh": f"测试用中文标题 {arxiv_id}".strip(),
        "summary_zh": "本文研究一个测试问题。作者提出一种测试方法。实验给出测试结果。",
        "abstract_zh": "这是测试服务器返回的中文摘要，保留公式 $x<y$。",
        "institutions": [],
        "hits": [
            {"topic": "llm", "subtopic": None, "confidence": 0.9, "reason": "论文研究大语言模型"}
        ],
    }
    answer.update(overrides)
    return answer


def answer_json(arxiv_id: str = "", **overrides) -> str:
    return json.dumps(answer_dict(arxiv_id, **overrides), ensure_ascii=False)


# What a faithful translation keeps of the English: math ($…$, \[…\], \(…\)), URLs and tokens
# with a digit or an inner capital (names, numbers).
_KEPT = re.compile(
    r"\$[^$]+\$|\\\[.+?\\\]|\\\(.+?\\\)|https?://[^\s]+|[^\s$]*(?:\d|[A-Za-z0-9][A-Z])[^\s$]*", re.S
)


def _requested(request: dict, label: str) -> str:
    match = re.search(rf"^{label}: (.*)$", request["messages"][1]["content"], re.M)
    return match.group(1) if match else ""


def _kept(text: str) -> list[str]:
    return [
        token if token.startswith(("$", "\\[", "\\(")) else token.strip(".,;:()[]\"'")
        for token in _KEPT.findall(text)
    ]


def faithful_answer_json(request: dict, **overrides) -> str:
    """A valid answer for the paper in the request that keeps its math, numbers, URLs and
    names, padded with Chinese to a translation's length."""
    title, abstract = _requested(request, "Title"), _requested(request, "Abstract")
    # Numbers of the title are not checked; its names are.
    title_kept = [token for token in _kept(title) if re.search("[A-Za-z]", token)]
    abstract_kept = _kept(abstract)
    kept = " ".join(abstract_kept)
    padding = "内容" * (len("".join(abstract.split())) // 8 + len(kept) // 2)
    fields = {
        "title_zh": " ".join(
            filter(None, ["测试用中文标题", requested_arxiv_id(request), *title_kept])
        ),
        "abstract_zh": f"这是测试服务器返回的中文摘要，保留原文要素：{kept}。{padding}",
    }
    return answer_json(**{**fields, **overrides})


def requested_arxiv_id(request: dict) -> str:
    match = re.search(r"arXiv id: (\S+)", request["messages"][-1]["content"])
    if match is None:  # a repair request: the paper is in the first user message
        match = re.search(r"arXiv id: (\S+)", request["messages"][1]["content"])
    return match.group(1) if match else ""


def completion_body(request: dict, content: str) -> dict:
    """An OpenAI chat.completion object; token counts are a fixed function of the text sizes."""
    prompt_chars = sum(len(message["content"]) for message in request.get("messages", []))
    prompt_tokens, completion_tokens = prompt_chars // 4 + 1, len(content) // 4 + 1
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128  # many clients connect at once (LLM_CONCURRENCY)


class FakeLLM:
    def __init__(self, *, delay: float = 0.0, port: int = 0):
        self.requests: list[dict] = []
        self.request_times: list[float] = []
        self.in_flight = self.max_in_flight = 0
        self.script: deque[Reply] = deque()
        self.delay = delay
        self.respond: Callable[[dict], Reply] = lambda request: Reply(delay=self.delay)
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def push(self, *replies: Reply) -> None:
        self.script.extend(replies)

    def start(self) -> "FakeLLM":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _reply_for(self, request: dict) -> Reply:
        with self._lock:
            self.requests.append(request)
            self.request_times.append(time.monotonic())
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            scripted = self.script.popleft() if self.script else None
        # Outside the lock: a test's `respond` may block until other requests arrive.
        return scripted or self.respond(request)

    def _finished(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real endpoints do

            def log_message(self, *args):
                pass

            def do_POST(self):
                if self.path != "/v1/chat/completions":
                    self._send(404, {"error": {"message": "not found"}})
                    return
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length))
                try:
                    reply = fake._reply_for(request)
                    time.sleep(reply.delay)
                finally:
                    fake._finished()
                if reply.body is not None:
                    self._send(reply.status, reply.body, reply.headers, reply.content_type)
                elif reply.status == 200:
                    content = reply.content
                    if content is None:
                        content = faithful_answer_json(request, **reply.overrides)
                    self._send(200, completion_body(request, content), reply.headers)
                else:
                    error = {"error": {"message": f"fake error {reply.status}", "type": "fake"}}
                    self._send(reply.status, error, reply.headers)

            def _send(
                self,
                status: int,
                body: dict | bytes,
                headers: dict | None = None,
                content_type: str = "application/json",
            ):
                data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False)
                data = data if isinstance(data, bytes) else data.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): nothing to answer

        return Handler


if __name__ == "__main__":
    # For trying the site by hand: ARXDAILY_LLM_BASE_URL=http://127.0.0.1:8900/v1 make run
    import argparse

    parser = argparse.ArgumentParser(description="Fake OpenAI-compatible LLM on loopback.")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--delay", type=float, default=0.0)
    options = parser.parse_args()
    fake = FakeLLM(delay=options.delay, port=options.port)
    print(f"fake LLM at {fake.base_url}", flush=True)
    fake._server.serve_forever()
