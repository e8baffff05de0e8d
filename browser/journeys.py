"""The dashboard's journeys in headless Chromium, one per area built so far.

Each journey fails on a JavaScript console error or a refused resource, saves a screenshot of
every page it visits (target/screenshots/), and runs axe-core on each page: a serious or
critical accessibility violation fails it. The server and the bootstrap output come from
browser/run.sh.
"""

import email
import json
import mailbox
import os
import re
import sys
import time
import urllib.request

import pyotp
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ["BASE"]
BOOT = json.load(open(os.environ["BOOT"]))
SCREENSHOTS = os.environ["SCREENSHOTS"]
AXE = open(os.environ["AXE"]).read()
MAILDIR = os.environ["MAILDIR"]
PASSWORD = "lantern-orbit-42"


def api(method, path, body=None, key=None, bearer=None):
    """One call to the server's API; answers the decoded body."""
    request = urllib.request.Request(BASE + path, method=method)
    request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("X-Api-Key", key)
    if bearer:
        request.add_header("Authorization", f"Bearer {bearer}")
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(request, data) as answer:
        text = answer.read()
        return json.loads(text) if text else None


def person_with_second_factor(username):
    """An admin of the bootstrap organization with a password and TOTP; answers the TOTP."""
    api("POST", "/v1/users", {"username": username, "email": f"{username}@reseller.example",
                              "first_name": "Ada", "last_name": "Admin",
                              "password": PASSWORD, "role": "admin"}, key=BOOT["api_key"])
    tokens = api("POST", "/v1/auth/token", {"grant_type": "password", "username": username,
                                            "password": PASSWORD})
    access = tokens["access_token"]
    secret = api("POST", "/v1/users/me/totp", {"password": PASSWORD}, bearer=access)["secret"]
    totp = pyotp.TOTP(secret)
    api("POST", "/v1/users/me/totp/confirm", {"code": totp.now()}, bearer=access)
    return totp


class Browser:
    def __init__(self, name):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,900"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.name = name
        self.shots = 0

    def close(self):
        self.driver.quit()

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def open(self, path):
        self.driver.get(BASE + path)
        self.check(path)

    def check(self, label):
        """The page as it is now: screenshot, console, accessibility."""
        self.shots += 1
        slug = label.strip("/").replace("/", "_") or "home"
        self.driver.save_screenshot(f"{SCREENSHOTS}/{self.name}-{self.shots:02d}-{slug[:40]}.png")
        # The same page at a phone's width: it fits, with nothing to scroll sideways.
        self.driver.set_window_size(390, 844)
        self.driver.save_screenshot(
            f"{SCREENSHOTS}/{self.name}-{self.shots:02d}-{slug[:40]}-phone.png")
        overflow = self.driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
        self.driver.set_window_size(1280, 900)
        assert overflow <= 0, f"{self.name} at {self.driver.current_url}: {overflow}px wider than a phone"
        page = self.driver.current_url
        errors = [entry for entry in self.driver.get_log("browser")
                  if entry["level"] == "SEVERE"
                  # The page's own refusal status (a 401 after a wrong password, a 422 next to a
                  # bad field) is not a script error; anything else is, a violation of the
                  # Content-Security-Policy on the page included.
                  and not (entry["message"].startswith(page)
                           and "Failed to load resource: the server responded with a status"
                           in entry["message"])]
        assert not errors, f"{self.name} at {page}: console errors {errors}"
        self.driver.execute_script(AXE)
        violations = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document).then(r => done(r.violations)).catch(e => done([{id: String(e),"
            " impact: 'critical', nodes: []}]));")
        serious = [(v["id"], v["impact"], [n.get("target") for n in v["nodes"]][:3])
                   for v in violations if v["impact"] in ("serious", "critical")]
        assert not serious, f"{self.name} at {page}: accessibility {serious}"

    def submit(self, fields, label):
        """Fills the fields (by name, or by `#id`) and sends the form they are in."""
        element = None
        for name, value in fields.items():
            element = self.find(name if name.startswith("#") else f"[name={name}]")
            if element.tag_name == "select":
                Select(element).select_by_value(value)
                continue
            element.clear()
            element.send_keys(value)
        element.find_element(By.XPATH, "./ancestor::form//button[@type='submit']").click()
        self.check(label)


def sign_in_with_a_second_factor():
    totp = person_with_second_factor("ada.admin")
    browser = Browser("sign-in")
    try:
        browser.open("/")
        assert browser.driver.current_url.endswith("/sign-in"), browser.driver.current_url
        browser.submit({"login": "ada.admin", "password": "not-the-password"}, "wrong-password")
        assert "Invalid username or password" in browser.find(".error").text
        browser.submit({"login": "ada.admin", "password": PASSWORD}, "second-factor")
        assert "Two-factor code" in browser.find("h1").text
        # Each code works once: wait for the next one after the enrolment's.
        time.sleep(30 - time.time() % 30 + 1)
        browser.submit({"code": totp.now()}, "overview")
        assert browser.find("h1").text == "Reseller", browser.find("h1").text
        assert "admin" in browser.find(".lede").text
        assert browser.find("#balance").text.endswith("EUR")
        # Phone width: the same page, still usable.
        browser.find("form[action='/sign-out'] button").click()
        browser.check("signed-out")
        assert browser.driver.current_url.endswith("/sign-in")
        browser.open("/")
        assert browser.driver.current_url.endswith("/sign-in"), "the session ended"
    finally:
        browser.close()


def signed_in_admin(username, journey):
    """A browser in which a new admin of the bootstrap organization (password only) signed in."""
    api("POST", "/v1/users", {"username": username, "email": f"{username}@reseller.example",
                              "password": PASSWORD, "role": "admin"}, key=BOOT["api_key"])
    browser = Browser(journey)
    try:
        browser.open("/sign-in")
        browser.submit({"login": username, "password": PASSWORD}, "overview")
    except Exception:
        browser.close()
        raise
    return browser


def switch_organization():
    api("POST", "/v1/organizations", {"name": "Customer One", "users": [
        {"username": "customer.owner", "email": "owner@customer.example"}]},
        key=BOOT["api_key"])
    browser = signed_in_admin("sam.switch", "switch")
    try:
        assert browser.find("h1").text == "Reseller"
        browser.find(".switcher summary").click()
        browser.check("switcher-open")
        entries = browser.driver.find_elements(By.CSS_SELECTOR, ".switcher li")
        names = [entry.text for entry in entries]
        assert any("Customer One" in name for name in names), names
        nested = browser.find(".switcher li.nested a")
        assert "Customer One" in nested.text
        nested.click()
        browser.check("suborganization")
        assert browser.find("h1").text == "Customer One"
        assert "Customer One" in browser.driver.title
    finally:
        browser.close()


def find_actions_in_the_audit_log():
    """Runs after the other journeys: what they did in the dashboard is in the trail."""
    browser = signed_in_admin("audra.audit", "audit")
    try:
        browser.driver.find_element(By.LINK_TEXT, "Audit log").click()
        browser.check("audit-log")
        assert browser.find("h1").text == "Audit log"
        # Made in the dashboard by other journeys: a suborganization created, a credential
        # issued, a domain registered.
        for action in ("organization.created", "api_key.created", "domain.created"):
            browser.submit({"action": action}, f"audit-{action}")
            actions = [cell.text for cell in browser.driver.find_elements(
                By.CSS_SELECTOR, "tbody td:nth-child(2)")]
            assert actions and set(actions) == {action}, (action, actions)
        browser.submit({"action": "", "from": "last week"}, "audit-bad-day")
        assert "YYYY-MM-DD" in browser.find(".field-error").text
    finally:
        browser.close()


def create_a_suborganization():
    browser = signed_in_admin("cora.create", "suborganization")
    try:
        browser.driver.find_element(By.LINK_TEXT, "Suborganizations").click()
        browser.check("suborganizations")
        browser.submit({"name": "Harbour Shop", "country_code": "XX"}, "suborganization-refused")
        assert browser.find("#country_code-error").text, "the country is refused next to it"
        assert browser.find("#name").get_attribute("value") == "Harbour Shop"
        browser.submit({"country_code": ""}, "suborganization-created")
        assert "is created" in browser.find(".notice").text
        row = browser.driver.find_element(By.XPATH, "//tr[.//a[text()='Harbour Shop']]")
        row.find_element(By.CSS_SELECTOR, "button.danger").click()
        # The browser asks first; saying yes deactivates it.
        browser.driver.switch_to.alert.accept()
        browser.check("suborganization-deactivated")
        assert "deactivated" in browser.find(".notice").text
        row = browser.driver.find_element(By.XPATH, "//tr[.//a[text()='Harbour Shop']]")
        assert "inactive" in row.text
    finally:
        browser.close()


def create_a_credential_and_see_its_secret_once():
    browser = signed_in_admin("kai.keys", "credential")
    try:
        browser.driver.find_element(By.LINK_TEXT, "API credentials").click()
        browser.check("credentials")
        browser.submit({"api_key_name": "has spaces"}, "credential-refused")
        assert browser.find("#api_key_name-error").text
        browser.submit({"api_key_name": "ci-deploy", "role": "viewer"}, "credential-secret")
        key = browser.find(".secret code").text
        assert key.startswith("opk_"), key
        copy = browser.find(".secret button[data-copy]")
        copy.click()
        # The script answers the click once the clipboard settles (headless Chromium may
        # refuse it): wait for the answer rather than read the label mid-promise.
        answered = WebDriverWait(browser.driver, 5).until(
            lambda _: copy.text if copy.text in ("Copied", "Select and copy") else None)
        assert answered, copy.text
        # The key works, once copied.
        seen = api("GET", "/v1/auth/client_credentials/introspect", key=key)
        assert seen["api_key_name"] == "ci-deploy" and seen["role"] == "viewer", seen
        browser.driver.refresh()
        browser.check("credential-reloaded")
        assert not browser.driver.find_elements(By.CSS_SELECTOR, ".secret"), "shown once only"
        assert key not in browser.driver.page_source
    finally:
        browser.close()


def read_the_balance_and_transactions():
    for amount in ("25.00", "4.50"):
        api("POST", f"/v1/organizations/{BOOT['organization_id']}/billing/wallet/credits",
            {"amount": amount, "reference": "browser-top-up"}, key=BOOT["operator_api_key"])
    browser = signed_in_admin("bo.billing", "billing")
    try:
        browser.driver.find_element(By.LINK_TEXT, "Billing").click()
        browser.check("billing")
        assert browser.find("#balance").text == "29.50 EUR", browser.find("#balance").text
        amounts = [cell.text for cell in browser.driver.find_elements(
            By.CSS_SELECTOR, "td.amount")]
        assert sorted(amounts) == ["25.00 EUR", "4.50 EUR"], amounts
    finally:
        browser.close()


def add_and_invite_people():
    browser = signed_in_admin("pia.people", "people")
    try:
        browser.driver.find_element(By.LINK_TEXT, "People").click()
        browser.check("people")
        # The server's refusal, next to its field (the browser checks the address itself).
        browser.submit({"username": "no spaces allowed"}, "people-refused")
        assert browser.find("#username-error").text
        browser.submit({"username": "new.hand", "email": "new.hand@reseller.example",
                        "#role": "dns_manager"},
                       "people-added")
        assert "is created" in browser.find(".notice").text
        row = browser.driver.find_element(By.XPATH, "//tr[contains(., 'new.hand')]")
        assert "dns_manager" in row.find_element(By.CSS_SELECTOR, "select option:checked").text
        browser.submit({"invite_email": "guest@elsewhere.example", "invite_role": "viewer"},
                       "people-invited")
        assert "invitation is on its way" in browser.find(".notice").text
        pending = browser.driver.find_element(By.XPATH,
                                              "//tr[contains(., 'guest@elsewhere.example')]")
        pending.find_element(By.CSS_SELECTOR, "button.danger").click()
        browser.driver.switch_to.alert.accept()
        browser.check("people-invitation-revoked")
        assert "revoked" in browser.find(".notice").text
    finally:
        browser.close()


def edit_dns_records():
    browser = signed_in_admin("dana.dns", "dns")
    try:
        browser.driver.find_element(By.LINK_TEXT, "DNS").click()
        browser.check("dns")
        browser.submit({"#name": "journey.example"}, "zone-created")
        assert browser.find("h1").text == "journey.example.", browser.find("h1").text
        # A bad record: the API's words next to the records, what was typed kept.
        browser.submit({"#rrset-name": "www", "type": "A", "ttl": "300",
                        "records": "192.0.2.10\n192.0.2.300"}, "rrset-refused")
        error = browser.find("#records-error").text
        assert "is not an IPv4 address" in error, error
        assert "192.0.2.300" in browser.find("#rrset-records").get_attribute("value")
        browser.submit({"records": "192.0.2.10\n192.0.2.11"}, "rrset-saved")
        assert "saved" in browser.find(".notice").text
        zone = api("GET", "/v1/dns/journey.example", key=BOOT["api_key"])
        www = [r for r in zone["rrsets"] if r["name"] == "www.journey.example." and r["type"] == "A"]
        assert [r["rdata"] for r in www[0]["records"]] == ["192.0.2.10", "192.0.2.11"], www
        # Edit fills the form with the rrset; removal asks first.
        row = browser.driver.find_element(By.XPATH, "//tr[td[1][text()='www']]")
        row.find_element(By.LINK_TEXT, "Edit").click()
        browser.check("rrset-edit")
        assert "192.0.2.11" in browser.find("#rrset-records").get_attribute("value")
        row = browser.driver.find_element(By.XPATH, "//tr[td[1][text()='www']]")
        row.find_element(By.CSS_SELECTOR, "button.danger").click()
        browser.driver.switch_to.alert.accept()
        browser.check("rrset-removed")
        assert "removed" in browser.find(".notice").text
        # Signing: the DS records for the registry appear on the page.
        browser.driver.find_element(By.XPATH, "//button[text()='Sign this zone']").click()
        browser.check("zone-signed")
        assert "signed" in browser.find(".notice").text
        dnssec = api("GET", "/v1/dns/journey.example/dnssec", key=BOOT["api_key"])
        page = browser.find("main").text
        for ds in dnssec["ds_records"]:
            assert ds in page, (ds, page)
    finally:
        browser.close()


def make_a_custom_role():
    browser = signed_in_admin("rory.roles", "roles")
    try:
        browser.driver.find_element(By.LINK_TEXT, "Roles").click()
        browser.check("roles")
        for permission in ("dns:read", "dns:manage"):
            browser.find(f"input[name=permissions][value='{permission}']").click()
        browser.submit({"#role-name": "Zone Editor"}, "role-created")
        assert "created" in browser.find(".notice").text
        row = browser.driver.find_element(By.XPATH, "//tr[contains(., 'Zone Editor')]")
        assert "dns:manage" in row.text, row.text
    finally:
        browser.close()


def invite_through_mail_and_join_in_a_second_browser():
    admin = signed_in_admin("ivy.invites", "invite-mail")
    try:
        admin.driver.find_element(By.LINK_TEXT, "People").click()
        admin.check("people")
        admin.submit({"invite_email": "newcomer@elsewhere.example", "invite_role": "viewer"},
                     "people-invited")
        assert "invitation is on its way" in admin.find(".notice").text
    finally:
        admin.close()
    link = invitation_link("newcomer@elsewhere.example")
    newcomer = Browser("invite-accept")
    try:
        newcomer.open(link[len(BASE):])
        assert "Join Reseller" in newcomer.find("h1").text, newcomer.find("h1").text
        newcomer.submit({"name": "Nia Newcomer", "password": PASSWORD}, "joined")
        assert "/sign-in" in newcomer.driver.current_url, newcomer.driver.current_url
        newcomer.submit({"login": "newcomer@elsewhere.example", "password": PASSWORD},
                        "newcomer-overview")
        # Their own organization is home; the switcher holds Reseller, as a viewer.
        entries = [entry.get_attribute("textContent")
                   for entry in newcomer.driver.find_elements(By.CSS_SELECTOR, ".switcher li")]
        assert any("Reseller" in e and "viewer" in e for e in entries), entries
    finally:
        newcomer.close()


def invitation_link(address, wait_seconds=15):
    """The invitation link of the mail the SMTP sink received for `address`."""
    deadline = time.time() + wait_seconds
    while time.time() < deadline:
        for message in mailbox.Maildir(MAILDIR, create=False):
            if address not in message.get("To", ""):
                continue
            parsed = email.message_from_bytes(message.as_bytes())
            for part in parsed.walk():
                if part.get_content_type() == "text/plain":
                    text = part.get_payload(decode=True).decode()
                    found = re.search(r"https?://\S+/invitations/[A-Za-z0-9_-]+", text)
                    if found:
                        return found.group(0)
        time.sleep(0.2)
    raise AssertionError(f"no invitation mail for {address} reached the SMTP sink")


def offer_priced_domains():
    """The operator offers .test at 4.00 EUR a year; three-letter names are premium (x10)."""
    operator = BOOT["operator_api_key"]
    api("PUT", "/v1/tlds/test", {"periods": [1, 2], "grace_days": 30, "redemption_days": 30,
                                 "premium_max_length": 3, "premium_multiplier": 10},
        key=operator)
    prices = [{"product_action": action, "price": "4.00", "currency": "EUR",
               "product_class": "test"} for action in ("create", "renew", "restore")]
    api("PUT", "/v1/pricing/product-type/domain", {"prices": prices}, key=operator)


def moved(balance, cents):
    """A balance shown as `12.50 EUR`, moved by `cents` (positive balances only)."""
    whole, fraction = balance.split()[0].split(".")
    total = int(whole) * 100 + int(fraction) + cents
    return f"{total // 100}.{total % 100:02d} EUR"


def balance_of_the_organization():
    details = api("GET", f"/v1/organizations/{BOOT['organization_id']}", key=BOOT["api_key"])
    return f"{details['account_balance']} EUR"


def register_a_domain_and_watch_the_balance_drop():
    offer_priced_domains()
    browser = signed_in_admin("dom.domains", "domains")
    try:
        browser.driver.find_element(By.LINK_TEXT, "Contacts").click()
        browser.check("contacts")
        browser.submit({"first_name": "Ada", "last_name": "Lovelace",
                        "email": "ada@reseller.example", "phone": "+44.2079460000",
                        "street": "1 Analytical Row", "city": "London",
                        "postal_code": "SW1A 1AA", "country": "GB"}, "contact-created")
        assert "contact is created" in browser.find(".notice").text
        browser.driver.find_element(By.LINK_TEXT, "Domains").click()
        browser.check("domains")
        browser.submit({"check": "journey.test"}, "availability")
        before = balance_of_the_organization()
        browser.driver.find_element(By.LINK_TEXT, "Register…").click()
        browser.check("register")
        assert browser.find("#price").text == "4.00 EUR", browser.find("#price").text
        assert browser.find("#balance").text == before, browser.find("#balance").text
        Select(browser.find("#contact-registrant")).select_by_index(0)
        browser.find("form.narrow button[type='submit']").click()
        browser.driver.switch_to.alert.accept()
        browser.check("registered")
        assert "is registered" in browser.find(".notice").text
        assert browser.find("h1").text == "journey.test", browser.find("h1").text
        browser.driver.find_element(By.LINK_TEXT, "Billing").click()
        browser.check("billing-after")
        assert browser.find("#balance").text == moved(before, -400), browser.find("#balance").text
    finally:
        browser.close()


def see_the_insufficient_funds_message():
    offer_priced_domains()
    browser = signed_in_admin("ina.funds", "insufficient-funds")
    try:
        # abc.test is premium: 40.00 EUR, more than the account holds.
        browser.open(f"/orgs/{BOOT['organization_id']}/domains/register?name=abc.test")
        before = browser.find("#balance").text
        assert browser.find("#price").text == "40.00 EUR", browser.find("#price").text
        Select(browser.find("#contact-registrant")).select_by_index(0)
        browser.find("form.narrow button[type='submit']").click()
        browser.driver.switch_to.alert.accept()
        browser.check("refused")
        error = browser.find(".error").text
        assert "cannot cover 40.00 EUR" in error, error
        assert balance_of_the_organization() == before, "nothing was charged"
    finally:
        browser.close()


def turn_on_two_factor_with_the_qr_code():
    browser = signed_in_admin("tia.totp", "totp-enrolment")
    try:
        browser.open("/account")
        browser.submit({"#totp-password": PASSWORD}, "totp-scan")
        qr = browser.find("#totp-qr")
        assert browser.driver.execute_script("return arguments[0].naturalWidth", qr) >= 200
        totp = pyotp.TOTP(browser.find("#totp-secret").text)
        browser.submit({"#totp-code": "000000"}, "totp-wrong-code")
        assert browser.find(".error").text, "a wrong code is told"
        browser.submit({"#totp-code": totp.now()}, "totp-on")
        codes = browser.driver.find_elements(By.CSS_SELECTOR, "#recovery-codes li")
        assert len(codes) == 10, [c.text for c in codes]
        browser.driver.find_element(By.LINK_TEXT, "Done").click()
        browser.check("account-totp-on")
        assert browser.find("#recovery-left").text == "10"
    finally:
        browser.close()


def top_up_from_the_operator_console():
    browser = Browser("operator-console")
    try:
        browser.open("/operator")
        assert browser.driver.current_url.endswith("/operator/sign-in")
        totp = pyotp.TOTP(BOOT["operator_totp_secret"])
        browser.submit({"key": BOOT["operator_api_key"], "code": totp.now()}, "console")
        browser.submit({"organization": BOOT["organization_id"]}, "console-found")
        before = browser.find("#balance").text
        browser.find("#amount").send_keys("10.00")
        browser.find("#reference").send_keys("bank-transfer-42")
        browser.find("form.narrow button[type='submit']").click()
        browser.driver.switch_to.alert.accept()
        browser.check("console-credited")
        assert "topped up" in browser.find(".notice").text
        assert browser.find("#balance").text == moved(before, 1000), browser.find("#balance").text
    finally:
        browser.close()


JOURNEYS = [sign_in_with_a_second_factor, switch_organization,
            create_a_suborganization, create_a_credential_and_see_its_secret_once,
            read_the_balance_and_transactions, add_and_invite_people, edit_dns_records,
            make_a_custom_role, invite_through_mail_and_join_in_a_second_browser,
            register_a_domain_and_watch_the_balance_drop, see_the_insufficient_funds_message,
            turn_on_two_factor_with_the_qr_code, top_up_from_the_operator_console,
            find_actions_in_the_audit_log]

if __name__ == "__main__":
    failed = 0
    for journey in JOURNEYS:
        try:
            journey()
            print(f"browser: {journey.__name__}: ok")
        except Exception as error:  # noqa: BLE001 - every journey reports, then the run fails
            failed += 1
            print(f"browser: {journey.__name__}: FAILED: {error}", file=sys.stderr)
    sys.exit(1 if failed else 0)
