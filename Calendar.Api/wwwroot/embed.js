/* Upcoming anti-trafficking events for partner websites.
 *
 *   <script src="https://CALENDAR/embed.js?v=..." data-tag="migration" data-limit="5" async></script>
 *     renders the list right after the script tag (when the tag has any data- attribute), or
 *   <calendar-events tag="migration" limit="5"></calendar-events> anywhere after including the script.
 *
 * Options: kind, tag, language (comma-separated), organizer, country, online, q, from, to, limit (1-50), locale, theme
 * (light, dark, auto). Colours: set --calendar-text, --calendar-muted, --calendar-accent, --calendar-line,
 * --calendar-bg, --calendar-font on the element or any ancestor. The widget reads the public JSON API of the
 * service it was loaded from, sends no cookies, and writes every value as text (never as HTML).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = script && script.src ? new URL(script.src).origin : location.origin;
  var FILTERS = ["kind", "tag", "language", "organizer", "country", "online", "q", "from", "to"];
  var OPTIONS = FILTERS.concat(["limit", "locale", "theme"]);
  var TAG = "calendar-events";
  var CSS =
    ":host{display:block;font-family:var(--calendar-font,inherit);line-height:1.45;" +
    "--_text:var(--calendar-text,inherit);--_muted:var(--calendar-muted,#4a5360);--_accent:var(--calendar-accent,#0b5394);" +
    "--_line:var(--calendar-line,#d0d5dc);--_bg:var(--calendar-bg,transparent)}" +
    ":host([theme=dark]){--_text:var(--calendar-text,#eef1f4);--_muted:var(--calendar-muted,#c3cad3);" +
    "--_accent:var(--calendar-accent,#8cc4ff);--_line:var(--calendar-line,#3a424c);--_bg:var(--calendar-bg,#16191d)}" +
    "@media (prefers-color-scheme:dark){:host([theme=auto]){--_text:var(--calendar-text,#eef1f4);--_muted:var(--calendar-muted,#c3cad3);" +
    "--_accent:var(--calendar-accent,#8cc4ff);--_line:var(--calendar-line,#3a424c);--_bg:var(--calendar-bg,#16191d)}}" +
    "section{color:var(--_text);background:var(--_bg);padding:.25rem .5rem}" +
    "ul{list-style:none;margin:0;padding:0}li{padding:.5rem 0;border-bottom:1px solid var(--_line)}" +
    "a{color:var(--_accent);font-weight:600}a:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}" +
    ".meta{color:var(--_muted);font-size:.9em;display:flex;flex-wrap:wrap;gap:0 .8em}" +
    ".more{font-size:.9em;margin:.5rem 0 0}.state{color:var(--_muted);margin:.5rem 0}";

  function el(name, className, text) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function countryName(code, locale) {
    try { return new Intl.DisplayNames([locale, "en"], { type: "region" }).of(code) || code; } catch (e) { return code; }
  }

  function dateOnly(iso, locale, withWeekday) {
    var p = iso.split("-");
    var opts = { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" };
    if (withWeekday) opts.weekday = "short";
    return new Date(Date.UTC(+p[0], +p[1] - 1, +p[2])).toLocaleDateString(locale, opts);
  }

  // World days and other all-day events are dates (the same day everywhere); timed events are shown in the
  // reader's own zone.
  function when(item, locale) {
    var o = item;
    if (item.allDay) {
      var start = o.startsOn, end = o.endsOn;
      return { iso: start, text: start === end ? dateOnly(start, locale, true) : dateOnly(start, locale, false) + " – " + dateOnly(end, locale, false) };
    }
    var s = new Date(o.startsAtUtc), e = new Date(o.endsAtUtc);
    var text = s.toLocaleString(locale, { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
    var sameDay = s.toDateString() === e.toDateString();
    text += "–" + (sameDay ? e.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", timeZoneName: "short" })
      : e.toLocaleString(locale, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short" }));
    return { iso: o.startsAtUtc, text: text };
  }

  function place(item, locale) {
    var l = item.location, where = null;
    if (l) {
      where = l.city || l.venue || null;
      if (l.country) where = where ? where + ", " + countryName(l.country, locale) : countryName(l.country, locale);
    }
    if (item.online) return where ? where + " · Online" : "Online";
    return where;
  }

  class CalendarEvents extends HTMLElement {
    static get observedAttributes() { return OPTIONS; }

    connectedCallback() {
      if (!this.shadowRoot) {
        var root = this.attachShadow({ mode: "open" });
        var style = el("style");
        style.textContent = CSS;
        this._section = el("section");
        this._section.setAttribute("aria-label", this.getAttribute("aria-label") || "Upcoming events");
        root.append(style, this._section);
      }
      if (!this.hasAttribute("theme")) this.setAttribute("theme", "light");
      this._load();
    }

    attributeChangedCallback() {
      if (this._section) this._load();
    }

    _query() {
      var params = new URLSearchParams();
      FILTERS.forEach(function (name) {
        var value = this.getAttribute(name);
        if (value) params.set(name, value);
      }, this);
      var limit = parseInt(this.getAttribute("limit"), 10);
      params.set("limit", String(limit >= 1 && limit <= 50 ? limit : 5));
      return params;
    }

    _state(text, link) {
      this._section.replaceChildren(el("p", "state", text));
      if (link) {
        var more = el("p", "more");
        var a = el("a", null, "See the events on the calendar site");
        a.href = origin + "/";
        more.appendChild(a);
        this._section.appendChild(more);
      }
    }

    _load() {
      var self = this, params = this._query();
      var locale = this.getAttribute("locale") || undefined;
      if (this._abort) this._abort.abort();
      var abort = this._abort = new AbortController();
      this._section.setAttribute("aria-busy", "true");
      this._state("Loading events…");
      fetch(origin + "/api/events?" + params.toString(), {
        credentials: "omit", mode: "cors", headers: { Accept: "application/json" }, signal: abort.signal
      }).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }).then(function (data) {
        self._render(data.items || [], params, locale);
      }).catch(function (error) {
        if (error && error.name === "AbortError") return;
        self._state("Events could not be loaded just now.", true);
      }).then(function () {
        if (self._abort === abort) self._section.removeAttribute("aria-busy");
      });
    }

    _render(items, params, locale) {
      if (!items.length) { this._state("No upcoming events at the moment.", true); return; }
      var list = el("ul");
      items.forEach(function (item) {
        var li = el("li");
        var link = el("a", "title", (item.status === "cancelled" ? "Cancelled: " : "") + item.title);
        link.href = origin + "/events/" + encodeURIComponent(item.id);
        link.target = "_blank";
        link.rel = "noopener";
        li.appendChild(link);
        var meta = el("div", "meta");
        var w = when(item, locale);
        var time = el("time", null, w.text);
        time.setAttribute("datetime", w.iso);
        meta.appendChild(time);
        var where = place(item, locale);
        if (where) meta.appendChild(el("span", null, where));
        li.appendChild(meta);
        list.appendChild(li);
      });
      params.delete("limit");
      var more = el("p", "more");
      var all = el("a", null, "All events and calendar subscriptions");
      var query = params.toString();
      all.href = origin + "/" + (query ? "?" + query : "");
      all.target = "_blank";
      all.rel = "noopener";
      more.appendChild(all);
      this._section.replaceChildren(list, more);
    }
  }

  if (!customElements.get(TAG)) customElements.define(TAG, CalendarEvents);

  // Script-tag form: copy the data- options onto an element placed right after the script.
  if (script && script.parentNode && OPTIONS.some(function (name) { return script.hasAttribute("data-" + name); })) {
    var widget = document.createElement(TAG);
    OPTIONS.forEach(function (name) {
      var value = script.getAttribute("data-" + name);
      if (value != null) widget.setAttribute(name, value);
    });
    script.parentNode.insertBefore(widget, script.nextSibling);
  }
})();
