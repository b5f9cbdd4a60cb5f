use super::*;
use crate::domain::{EnrollmentState, ImportedDeviceIdentityType, Platform};

fn at(s: &str) -> DateTimeOffset {
    DateTimeOffset::parse(s).unwrap()
}

fn identity(n: usize) -> ImportedDeviceIdentity {
    let mut i = ImportedDeviceIdentity::new(
        format!("SER{:05}", (n * 7919) % 1000),
        ImportedDeviceIdentityType::SerialNumber,
        if n.is_multiple_of(2) {
            Platform::Ios
        } else {
            Platform::MacOs
        },
    );
    i.odata_type = None;
    i.id = Some(format!("id-{n}"));
    i.description = Some(format!("cart-{}", n % 5));
    i.enrollment_state = Some(if n.is_multiple_of(3) {
        EnrollmentState::Enrolled
    } else {
        EnrollmentState::NotContacted
    });
    i.created_date_time = Some(at("2024-01-01T00:00:00Z"));
    i.last_contacted_date_time = Some(if n.is_multiple_of(3) {
        DateTimeOffset(at("2024-06-01T00:00:00Z").0 - time::Duration::days(n as i64))
    } else {
        at("0001-01-01T00:00:00Z")
    });
    i
}

fn identities(range: std::ops::Range<usize>) -> Vec<ImportedDeviceIdentity> {
    range.map(identity).collect()
}

fn shown_ids(view: &TenantView) -> Vec<String> {
    (0..view.view().len())
        .map(|p| view.row_at(p).unwrap().id().to_string())
        .collect()
}

#[test]
fn pages_merged_into_a_sort_equal_a_full_sort() {
    let sort = Some(Sort {
        column: Column::Identifier,
        descending: true,
    });
    let mut paged = TenantView::new();
    paged.set_sort(sort);
    paged.set_filter("cart");
    for chunk in identities(0..300).chunks(37) {
        paged.append(chunk);
    }
    let mut whole = TenantView::new();
    whole.append(&identities(0..300));
    whole.set_sort(sort);
    whole.set_filter("cart");
    assert_eq!(shown_ids(&paged), shown_ids(&whole));
    let idents: Vec<&str> = (0..paged.view().len())
        .map(|p| paged.row_at(p).unwrap().identifier())
        .collect();
    assert!(idents.windows(2).all(|w| w[0] >= w[1]), "{idents:?}");
}

#[test]
fn typing_on_rescans_the_view_and_backspace_widens() {
    let mut view = TenantView::new();
    view.append(&identities(0..100));
    assert!(view.set_filter("cart-1 x"));
    assert!(view.view().is_empty());
    assert!(!view.set_filter("cart-1"));
    assert_eq!(view.view().len(), 20);
    assert!(view.set_filter("cart-1 state:enr"));
    let expect: Vec<String> = (0..100)
        .filter(|n| n % 5 == 1 && n % 3 == 0)
        .map(|n| format!("id-{n}"))
        .collect();
    assert_eq!(shown_ids(&view), expect);
    assert!(!view.set_filter(""));
    assert_eq!(view.view().len(), 100);
}

#[test]
fn the_stale_view_counts_never_and_long_ago() {
    let mut view = TenantView::new();
    view.append(&identities(0..30));
    let now = at("2024-06-01T00:00:00Z");
    view.set_stale(Some(Stale { days: 10, now }));
    // Never contacted: n % 3 != 0; contacted n days before now: stale when n > 10.
    let expect: Vec<String> = (0..30)
        .filter(|n| n % 3 != 0 || *n > 10)
        .map(|n| format!("id-{n}"))
        .collect();
    assert_eq!(shown_ids(&view), expect);
    assert!(is_stale(None, now, 90));
    assert!(!is_stale(Some(&now), now, 0));
    view.set_stale(None);
    assert_eq!(view.view().len(), 30);
}

#[test]
fn sort_cycles_every_column_both_ways_then_back() {
    let mut sort = None;
    let mut seen = 0;
    loop {
        sort = Sort::cycle(sort);
        if sort.is_none() {
            break;
        }
        seen += 1;
    }
    assert_eq!(seen, 14);
}

#[test]
fn deletes_and_edits_show_in_the_view() {
    let mut view = TenantView::new();
    view.append(&identities(0..10));
    view.set_sort(Some(Sort {
        column: Column::Created,
        descending: false,
    }));
    assert_eq!(
        view.remove_ids(&["id-3".into(), "id-4".into(), "nope".into()]),
        2
    );
    assert_eq!(view.total(), 8);
    assert!(!shown_ids(&view).contains(&"id-3".to_string()));
    let mut edited = identity(5);
    edited.description = Some("relabelled".into());
    assert!(view.replace(&edited));
    view.set_filter("relabelled");
    assert_eq!(shown_ids(&view), vec!["id-5"]);
    assert_eq!(view.view_identities(), vec![edited]);
}
