# Heketi wire helpers for the demo scripts: JWT signing, signed calls and queue polling with curl.
# Expects $server (base URL) and $key (admin secret) to be set by the caller.

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

token() { # METHOD PATH: a Heketi token bound to this request (qsh), valid 5 minutes
    local now qsh header claims sig
    now=$(date +%s)
    qsh=$(printf '%s&%s' "$1" "$2" | sha256sum | cut -d' ' -f1)
    header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
    claims=$(printf '{"iss":"admin","iat":%d,"exp":%d,"qsh":"%s"}' "$now" $((now + 300)) "$qsh" | b64url)
    sig=$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha256 -hmac "$key" -binary | b64url)
    printf '%s.%s.%s' "$header" "$claims" "$sig"
}

call() { # METHOD PATH [BODY]: prints the response headers and body
    local method=$1 path=$2 body=${3:-}
    curl -sS -D - -X "$method" -H "Authorization: Bearer $(token "$method" "$path")" \
        ${body:+-H 'Content-Type: application/json' --data "$body"} "$server$path"
}

location() { tr -d '\r' | awk 'tolower($1) == "location:" { print $2 }'; }

wait_queue() { # QUEUE_PATH: holds the poll until the operation ends; prints the final Location, if any
    local out
    while :; do
        out=$(curl -sS -D - -H "Prefer: wait=30" -H "Authorization: Bearer $(token GET "$1")" "$server$1")
        if grep -qi '^x-pending: true' <<<"$out"; then continue; fi
        if grep -q '^HTTP/1.1 500' <<<"$out"; then echo "operation failed: $(tail -n 1 <<<"$out")" >&2; return 1; fi
        location <<<"$out"
        return 0
    done
}

json_id() { grep -o '"id":"[0-9a-f]*"' | head -n 1 | cut -d'"' -f4; }
