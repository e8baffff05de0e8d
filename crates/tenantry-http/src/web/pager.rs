//! The links between the pages of a list.

/// Where a list is, and the links to its neighbours.
pub(crate) struct Pager {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `link` makes the address of a page.
    pub(crate) fn new(page: u64, size: u64, total: u64, link: impl Fn(u64) -> String) -> Self {
        let pages = total.div_ceil(size);
        Pager {
            page,
            pages,
            total,
            previous: (page > 1).then(|| link((page - 1).min(pages.max(1)))),
            next: (page < pages).then(|| link(page + 1)),
        }
    }

    /// The pager of a list at `path` whose filters are `filters`: each link keeps them.
    pub(crate) fn keeping(
        page: u64,
        size: u64,
        total: u64,
        path: &str,
        filters: &[(&str, &str)],
    ) -> Self {
        Pager::new(page, size, total, |page| {
            let query = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(filters)
                .append_pair("page", &page.to_string())
                .finish();
            format!("{path}?{query}")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Pager;

    #[test]
    fn a_pager_links_only_to_pages_that_exist() {
        let link = |n: u64| format!("?page={n}");
        let first = Pager::new(1, 25, 60, link);
        assert_eq!(
            (first.pages, first.previous, first.next.as_deref()),
            (3, None, Some("?page=2"))
        );
        let last = Pager::new(3, 25, 60, link);
        assert_eq!(
            (last.previous.as_deref(), last.next),
            (Some("?page=2"), None)
        );
        let beyond = Pager::new(9, 25, 60, link);
        assert_eq!(beyond.previous.as_deref(), Some("?page=3"));
        let empty = Pager::new(1, 25, 0, link);
        assert_eq!((empty.pages, empty.previous, empty.next), (0, None, None));
    }
}
