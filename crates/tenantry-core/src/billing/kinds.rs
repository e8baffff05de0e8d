//! The closed vocabularies of billing, each with its wire spelling.

/// An enum whose every variant has one wire spelling, parsed and printed through `ALL`.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == text)
            }

            /// The accepted spellings, for error messages.
            pub fn choices() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

wire_enum! {
    /// What a transaction pays for (the OpusDNS product types, and `plan` for subscriptions).
    ProductType {
        Domain = "domain",
        Zones = "zones",
        EmailForward = "email_forward",
        DomainForward = "domain_forward",
        AccountWallet = "account_wallet",
        VanityNameserver = "vanity_nameserver",
        WhitelabelBranding = "whitelabel_branding",
        WhitelabelBrandingPlus = "whitelabel_branding_plus",
        Plan = "plan",
    }
}

impl ProductType {
    /// Whether the operator's price list can price it (the wallet is not sold, and plans
    /// carry their own amount).
    pub fn is_priced(self) -> bool {
        !matches!(self, ProductType::AccountWallet | ProductType::Plan)
    }
}

wire_enum! {
    /// What happened in a transaction: the OpusDNS actions, plus the wallet's own movements.
    Action {
        Create = "create",
        Transfer = "transfer",
        Renew = "renew",
        Restore = "restore",
        Trade = "trade",
        Application = "application",
        ServiceFee = "service_fee",
        UpgradeFee = "upgrade_fee",
        WalletTopUp = "wallet_top_up",
        Refund = "refund",
        Adjustment = "adjustment",
    }
}

impl Action {
    /// Whether a price list entry may name it (wallet movements are never priced).
    pub fn is_priced(self) -> bool {
        !matches!(
            self,
            Action::WalletTopUp | Action::Refund | Action::Adjustment
        )
    }
}

wire_enum! {
    TransactionStatus {
        Pending = "pending",
        Succeeded = "succeeded",
        Failed = "failed",
        Canceled = "canceled",
    }
}

wire_enum! {
    /// Prepaid accounts stop at zero; postpaid ones at minus their credit limit.
    BillingModel {
        Prepaid = "prepaid",
        Postpaid = "postpaid",
    }
}

wire_enum! {
    /// The unit of a price's or a plan's period.
    PeriodUnit {
        Year = "y",
        Month = "m",
        Day = "d",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for p in ProductType::ALL {
            assert_eq!(ProductType::parse(p.as_str()), Some(*p));
        }
        assert_eq!(Action::parse("wallet_top_up"), Some(Action::WalletTopUp));
        assert_eq!(Action::parse("Create"), None);
        assert!(!ProductType::AccountWallet.is_priced());
        assert!(ProductType::Zones.is_priced());
        assert_eq!(BillingModel::choices(), "prepaid, postpaid");
    }
}
