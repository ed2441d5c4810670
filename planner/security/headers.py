"""Security headers on every response: a strict content security policy and its companions.

The policy allows scripts, styles, images and fonts from this site only, and nothing inline:
no `<script>` without `src`, no `<style>` element, no `style="..."` attribute, no `onclick=`.
So an injected tag or attribute can never run, even if escaping were ever missed. A page that
needs behaviour or styling uses a file under static/ (`static/js/*.js`, `static/css/*.css`),
and passes data to its script in a `<script type="application/json">` block, which browsers
never run. Styles set from JavaScript through `element.style` are allowed (they are not inline
markup); widths that depend on data use the classes in static/css/planner.css.

Other headers: frame-ancestors 'none' and X-Frame-Options DENY (no clickjacking), nosniff,
a referrer policy that sends only the origin to other sites, and HSTS when the session cookie
is marked secure (the app is then served over HTTPS only).
"""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS_SECONDS = 63_072_000  # two years, as the HSTS preload list asks

FIXED_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def add_security_headers(app: Flask) -> None:
    """Set the headers on every response the app sends, pages, API, files and errors alike."""
    secure = bool(app.config.get("SESSION_COOKIE_SECURE"))

    @app.after_request
    def secure_headers(response: Response) -> Response:
        for name, value in FIXED_HEADERS.items():
            response.headers.setdefault(name, value)
        if secure:
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={HSTS_SECONDS}; includeSubDomains"
            )
        return response
