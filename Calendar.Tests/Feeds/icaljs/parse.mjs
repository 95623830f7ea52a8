// Reads iCalendar text on stdin with ical.js and prints what a client would see, as JSON.
// Time zones come only from the file's own VTIMEZONEs (ical.js has no zone database), so this checks them.
import ICAL from 'ical.js';

// X-WR-CALNAME has no entry in ical.js's design set, so it would be read raw; RFC 5545 makes an X- property's
// default value type TEXT, which is what Google and Apple read it as.
ICAL.design.icalendar.property['x-wr-calname'] = { defaultType: 'text' };

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString('utf8');

const calendar = new ICAL.Component(ICAL.parse(text));
const zones = calendar.getAllSubcomponents('vtimezone');
for (const zone of zones) ICAL.TimezoneService.register(zone);

const instant = (time) => time.isDate ? time.toString() : time.toJSDate().toISOString();
const events = calendar.getAllSubcomponents('vevent').map((vevent) => {
  const event = new ICAL.Event(vevent);
  const occurrences = [];
  if (event.isRecurring()) {
    const iterator = event.iterator();
    for (let next = iterator.next(), n = 0; next && n < 6; next = iterator.next(), n++) occurrences.push(instant(next));
  }
  const categories = vevent.getFirstProperty('categories');
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    status: vevent.getFirstPropertyValue('status'),
    sequence: event.sequence,
    allDay: event.startDate.isDate,
    start: instant(event.startDate),
    end: event.endDate ? instant(event.endDate) : null,
    zone: event.startDate.zone ? event.startDate.zone.tzid : null,
    rrule: vevent.getFirstPropertyValue('rrule') ? vevent.getFirstPropertyValue('rrule').toString() : null,
    transp: vevent.getFirstPropertyValue('transp'),
    url: vevent.getFirstPropertyValue('url'),
    categories: categories ? categories.getValues() : [],
    occurrences,
  };
});

process.stdout.write(JSON.stringify({
  name: calendar.getFirstPropertyValue('x-wr-calname'),
  method: calendar.getFirstPropertyValue('method'),
  timezones: zones.map((z) => z.getFirstPropertyValue('tzid')),
  events,
}));
