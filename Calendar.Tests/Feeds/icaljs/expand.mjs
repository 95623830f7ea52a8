// The import tests' independent reading of a partner's feed: Mozilla's ical.js (Thunderbird's parser) expands every
// VEVENT into its occurrences between argv[2] and argv[3] (ISO instants), with EXDATEs, RDATEs and RECURRENCE-ID
// overrides, and resolves times only with the file's own VTIMEZONEs (ical.js has no zone database). Times whose TZID
// no VTIMEZONE defines, and floating times, are printed as wall-clock times with their TZID, for the test to resolve.
// Usage: node expand.mjs FROM TO MAX < feed.ics  (text as UTF-8)
import ICAL from 'ical.js';

const from = Date.parse(process.argv[2]);
const to = Date.parse(process.argv[3]);
const max = Number(process.argv[4] ?? 200);

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString('utf8');

// A file ical.js cannot parse as a whole is read one UID at a time (each with the file's VTIMEZONEs), so that one
// malformed line costs only its event, as it does in the reader under test.
const failed = [];
function parseCalendars(source) {
  let parsed = ICAL.parse(source);
  if (typeof parsed[0] === 'string') parsed = [parsed];
  return parsed.map((jcal) => new ICAL.Component(jcal));
}
let calendars;
try {
  calendars = parseCalendars(text);
} catch {
  const unfolded = text.replace(/\r?\n[ \t]/g, '');
  const blocks = (name) => unfolded.match(new RegExp(`^BEGIN:${name}\\r?$[\\s\\S]*?^END:${name}\\r?$`, 'gm')) ?? [];
  const zones = blocks('VTIMEZONE').filter((z) => { try { parseCalendars(`BEGIN:VCALENDAR\r\n${z}\r\nEND:VCALENDAR`); return true; } catch { return false; } });
  const header = (unfolded.match(/^X-WR-TIMEZONE:.*$/m) ?? [''])[0];
  const groups = new Map();
  for (const block of blocks('VEVENT')) {
    const uid = (block.match(/^UID:(.*?)\r?$/m) ?? [null, block])[1];
    if (!groups.has(uid)) groups.set(uid, []);
    groups.get(uid).push(block);
  }
  calendars = [];
  for (const [uid, events] of groups) {
    try {
      calendars.push(...parseCalendars(['BEGIN:VCALENDAR', header, ...zones, ...events, 'END:VCALENDAR'].filter(Boolean).join('\r\n')));
    } catch (e) {
      const summary = (events[0].match(/^SUMMARY[^:]*:(.*?)\r?$/m) ?? [null, null])[1];
      failed.push({ uid: uid === events[0] ? null : uid, summary, kind: 'error', error: String(e) });
    }
  }
}

const pad = (n, w = 2) => String(n).padStart(w, '0');
const wall = (t) => `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;

function moment(time, tzid) {
  if (time.isDate) return { date: `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}` };
  const zone = time.zone;
  const resolved = zone && (zone === ICAL.Timezone.utcTimezone || (zone.tzid && ICAL.TimezoneService.has(zone.tzid) && zone.component));
  if (resolved) return { utc: time.toJSDate().toISOString() };
  return { local: wall(time), tzid: tzid ?? null };
}

const startTzid = (component) => component.getFirstProperty('dtstart')?.getParameter('tzid') ?? null;
const endTzid = (component) => component.getFirstProperty('dtend')?.getParameter('tzid') ?? startTzid(component);

const out = failed;
for (const calendar of calendars) {
  ICAL.TimezoneService.reset();
  for (const zone of calendar.getAllSubcomponents('vtimezone')) {
    try { ICAL.TimezoneService.register(zone); } catch { /* an unreadable VTIMEZONE leaves its TZID undefined */ }
  }
  const vevents = calendar.getAllSubcomponents('vevent');
  const byUid = new Map();
  vevents.forEach((v, i) => {
    const uid = v.getFirstPropertyValue('uid') ?? `\u0000${i}`;
    if (!byUid.has(uid)) byUid.set(uid, []);
    byUid.get(uid).push(v);
  });
  for (const [uid, components] of byUid) {
    const masters = components.filter((c) => !c.hasProperty('recurrence-id'));
    const exceptions = components.filter((c) => c.hasProperty('recurrence-id'));
    const master = masters.at(-1);
    const report = (kind, item, start, end, recurrenceId, tzSource) => out.push({
      uid: uid.startsWith('\u0000') ? null : uid,
      kind,
      summary: item.getFirstPropertyValue('summary'),
      status: item.getFirstPropertyValue('status'),
      recurrenceId: recurrenceId ? moment(recurrenceId, startTzid(master ?? item)) : null,
      start: moment(start, startTzid(tzSource)),
      end: end ? moment(end, endTzid(tzSource)) : null,
    });
    try {
      if (!master) {
        for (const e of exceptions) {
          const event = new ICAL.Event(e, { exceptions: [] });
          report('orphan', e, event.startDate, event.endDate, event.recurrenceId, e);
        }
        continue;
      }
      const event = new ICAL.Event(master, { exceptions });
      if (!event.isRecurring()) {
        report('single', master, event.startDate, event.endDate, null, master);
        continue;
      }
      const iterator = event.iterator();
      let n = 0;
      for (let next = iterator.next(); next; next = iterator.next()) {
        const details = event.getOccurrenceDetails(next);
        const item = details.item ? details.item.component : master;
        const startMs = details.startDate.isDate ? Date.parse(details.startDate.toString()) : details.startDate.toJSDate().getTime();
        if (startMs > to + 86400000) break;
        const endMs = details.endDate ? (details.endDate.isDate ? Date.parse(details.endDate.toString()) : details.endDate.toJSDate().getTime()) : startMs;
        if (endMs < from - 86400000) { if (++n > 200000) break; continue; }
        report(details.item ? 'override' : 'occurrence', item, details.startDate, details.endDate, details.recurrenceId, item);
        if (++n > 200000 || out.filter((o) => o.uid === uid).length >= max) break;
      }
    } catch (e) {
      out.push({ uid, kind: 'error', error: String(e) });
    }
  }
}
process.stdout.write(JSON.stringify(out));
