//! What the worker asks a payment's Durable Object, and what it answers. JSON over the
//! object's `fetch`; the object is the only writer of the record.

use bdpay_shared::errors::ApiError;
use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use serde::{Deserialize, Serialize};

use bdpay_shared::risk::otp::OtpDigest;

use super::checkout::Sealed;
use super::record::{PaymentRecord, StoredPhone};
use super::stored_transfer::NewTransfer;
use crate::providers::{Device, Mode};
use crate::risk::geo::Geo;

#[derive(Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Command {
    /// Store a new payment (the worker made its ids and hashes). Refused if one exists.
    Create { record: Box<PaymentRecord> },
    /// The record as it is now.
    Get,
    /// The shopper picked (or let us pick) a provider: start an attempt there.
    Confirm {
        client_secret_hash: String,
        provider: Option<Provider>,
        /// `"provider": "manual_transfer"`: pay by hand (docs/design.md "Manual transfers").
        #[serde(default)]
        manual_transfer: bool,
        device: Device,
        shopper_ip: Option<String>,
        customer_phone: Option<StoredPhone>,
        /// Keyed digest of the widget's device id.
        #[serde(default)]
        device_hash: Option<String>,
        /// Where the request came from (`risk::geo`).
        #[serde(default)]
        geo: Geo,
        /// Compliance: the shopper's NID and alternate phone, sealed by the worker.
        #[serde(default)]
        nid: Option<Sealed>,
        #[serde(default)]
        alt_phone: Option<Sealed>,
    },
    /// The shopper's step-up code (its digest; `None`: not six digits). Right: the held
    /// confirm carries on.
    VerifyOtp {
        client_secret_hash: String,
        digest: Option<OtpDigest>,
        #[serde(default)]
        geo: Geo,
    },
    /// The provider sent the shopper back (unsigned: decide only through the provider).
    Return {
        provider: Provider,
        provider_ref: String,
        status: String,
    },
    /// Something says an outcome may have changed (an IPN, a Nagad hint): ask the provider
    /// about the attempt named, or about every open attempt.
    Check {
        reason: CheckReason,
        #[serde(default)]
        provider: Option<Provider>,
        #[serde(default)]
        provider_ref: Option<String>,
    },
    /// Refund all (`amount` None: what is left) or part, once per `key`.
    Refund {
        merchant_id: String,
        /// The key's mode: a test key cannot refund a live payment (nor a live key a test one).
        mode: Mode,
        refund_id: String,
        amount: Option<Money>,
        reason: Option<String>,
        key: Option<String>,
    },
    /// Key rotation: re-seal the stored phone under the current data key (`keys::rekey_record`).
    Rekey,
    /// A person settled a `requires_manual` refund.
    ResolveRefund {
        merchant_id: String,
        mode: Mode,
        refund_id: String,
        succeeded: bool,
        note: Option<String>,
    },
    /// The shopper quotes a manual transfer's TrxID (checked and sealed by the worker).
    SubmitTransfer {
        client_secret_hash: String,
        transfer: NewTransfer,
        /// The sender's number, sealed for `binding::transfer_sender(transfer.id)`.
        sender_enc: String,
    },
    /// Reconciliation: the provider's statement shows this attempt paid though we never
    /// learned it (`finance::run`). Applied as the provider's answer, once.
    StatementPaid {
        merchant_id: String,
        mode: Mode,
        provider: Provider,
        provider_ref: String,
        trx_id: String,
        amount: Money,
        paid_at_ms: i64,
        /// The statement's day (`YYYY-MM-DD`), named in the payment's event as the evidence.
        day: String,
    },
    /// A person approves or rejects a manual transfer (ops review).
    DecideTransfer {
        merchant_id: String,
        mode: Mode,
        transfer_id: String,
        approve: bool,
        note: Option<String>,
    },
}

/// Why a check was asked for (the ledger's reason).
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckReason {
    Ipn,
    Hint,
}

impl CheckReason {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckReason::Ipn => "ipn",
            CheckReason::Hint => "hint",
        }
    }
}

/// The object's answer: the record, or the contract's error with its status.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    Payment(Box<PaymentRecord>),
    Error { status: u16, body: ApiError },
}
