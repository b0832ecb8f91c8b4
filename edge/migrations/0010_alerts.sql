-- P1 alerts by SMS (edge/src/alerts): the numbers of a merchant's ops people (at most five, set
-- with `bdpay-admin alerts set`; sealed with the data key, bound to
-- `merchant_alert_contacts/number/<merchant>/<slot>`; the masked form for listing), and when an
-- SMS last went out per merchant and cause (at most one per cause per 15 minutes: the slot is
-- taken by one conditional statement, so two workers cannot both send).
CREATE TABLE merchant_alert_contacts (
  merchant_id   TEXT NOT NULL REFERENCES merchants(id),
  slot          INTEGER NOT NULL,
  number_enc    TEXT NOT NULL,
  number_masked TEXT NOT NULL,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, slot)
);

CREATE TABLE alerts_sent (
  merchant_id TEXT NOT NULL,
  cause       TEXT NOT NULL,
  sent_at     INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, cause)
);
