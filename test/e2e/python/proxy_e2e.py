"""twilio-python, unmodified but for client.proxy.base_url, against a running Parley.

Usage: python3 proxy_e2e.py BASE_URL ACCOUNT_SID AUTH_TOKEN
Prints "ok" and exits 0 when every check passes; otherwise raises (non-zero exit).
"""
import datetime
import sys

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

base_url, account_sid, auth_token = sys.argv[1:4]
client = Client(account_sid, auth_token)
client.proxy.base_url = base_url
proxy = client.proxy.v1


def expect_error(status, code, call):
    try:
        call()
    except TwilioRestException as err:
        assert err.status == status, (err.status, err.msg)
        assert err.code == code, (err.code, err.msg)
        return err
    raise AssertionError("expected HTTP %d / %d" % (status, code))


# Services
service = proxy.services.create(unique_name="py-svc", default_ttl=3600, geo_match_level="area-code")
assert service.sid.startswith("KS"), service.sid
assert service.default_ttl == 3600
assert isinstance(service.date_created, datetime.datetime), service.date_created
assert proxy.services("py-svc").fetch().sid == service.sid
assert proxy.services(service.sid).update(unique_name="py-svc-2").unique_name == "py-svc-2"
assert any(s.sid == service.sid for s in proxy.services.list())

# Sessions
sessions = proxy.services(service.sid).sessions
expiry = datetime.datetime(2099, 1, 2, 3, 4, 5)
session = sessions.create(unique_name="Order 1234", ttl=3600, mode="message-only", date_expiry=expiry)
assert session.status == "open" and session.mode == "message-only"
assert session.date_expiry == expiry.replace(tzinfo=datetime.timezone.utc), session.date_expiry
assert sessions(session.sid).fetch().unique_name == "Order 1234"
assert sessions("Order 1234").fetch().sid == session.sid

created = [session.sid] + [sessions.create(unique_name="bulk-%d" % i).sid for i in range(6)]
everything = [s.sid for s in sessions.list(page_size=2)]
assert sorted(everything) == sorted(created), everything
assert len(sessions.list(page_size=2, limit=5)) == 5
streamed = [s.sid for s in sessions.stream(page_size=3)]
assert streamed == everything, streamed
page = sessions.page(page_size=3)
next_page = page.next_page()
assert next_page is not None and len(list(next_page)) == 3

closed = sessions(session.sid).update(status="closed")
assert closed.status == "closed" and closed.closed_reason == "api"
assert isinstance(closed.date_ended, datetime.datetime)
reopened = sessions(session.sid).update(status="in-progress")
assert reopened.status == "in-progress" and reopened.closed_reason is None
assert sessions(session.sid).delete() is True

# Errors
sessions.create(unique_name="taken")
err = expect_error(400, 80603, lambda: sessions.create(unique_name="taken"))
assert "Session UniqueName must be unique." in err.msg, err.msg
expect_error(404, 20404, lambda: sessions("KC00000000000000000000000000000000").fetch())
expect_error(400, 80608, lambda: sessions(created[1]).update(status="open"))

# Phone numbers and participants
pool = proxy.services(service.sid).phone_numbers
number = pool.create(phone_number="+14155550160")
assert number.iso_country == "US" and number.in_use == 0
reserved = pool.create(phone_number="+14155550161", is_reserved=True)
assert reserved.is_reserved is True
assert pool("+14155550160").fetch().sid == number.sid
with_people = sessions.create(unique_name="with-participants", participants=[
    {"identifier": "+14155550170", "friendly_name": "Alice"},
    {"Identifier": "+14155550171", "ProxyIdentifier": "+14155550161", "FriendlyName": "Bob & Co, \"Ltd\" \u00fc"},
])
people = proxy.services(service.sid).sessions(with_people.sid).participants
listed = people.list()
assert len(listed) == 2, listed
bob = [p for p in listed if p.identifier == "+14155550171"][0]
assert bob.friendly_name == "Bob & Co, \"Ltd\" \u00fc", bob.friendly_name
assert bob.proxy_identifier_sid == reserved.sid
assert people(bob.sid).delete() is True
assert isinstance(people(bob.sid).fetch().date_deleted, datetime.datetime)
assert pool(reserved.sid).fetch().in_use == 0
expect_error(400, 80404, lambda: people.create(identifier="+1555123456"))

assert proxy.services(service.sid).delete() is True
print("ok")
