#!/bin/sh
# Prints a fresh fill-time token for a form whose route sets min_fill_time (docs/forms.md):
# `<unix seconds>.<hex HMAC-SHA256 of them>`, the same as `dealhook form-token`.
#
#   FORM_SECRET=… ./form-token.sh            # prints 1767225600.3f1c…
#
# Embed it when the page is served, e.g. from a template:
#   <input type="hidden" name="_ts" value="<?= shell_exec('./form-token.sh') ?>">
# or run this as a CGI script (GATEWAY_INTERFACE is set) that the page fetches on load:
#   fetch("/cgi-bin/form-token.sh").then(r => r.json()).then(t => form.elements._ts.value = t.token);
set -eu
: "${FORM_SECRET:?set FORM_SECRET to the route's fill_time_secret}"
t=$(date +%s)
sig=$(printf '%s' "$t" | openssl dgst -sha256 -hmac "$FORM_SECRET" -r | cut -d' ' -f1)
if [ -n "${GATEWAY_INTERFACE:-}" ]; then
  printf 'Content-Type: application/json\r\nCache-Control: no-store\r\n\r\n{"token":"%s.%s"}\n' "$t" "$sig"
else
  printf '%s.%s\n' "$t" "$sig"
fi
