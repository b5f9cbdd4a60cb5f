use std::sync::atomic::{AtomicU32, Ordering};

use super::*;

fn service(status: u16, retry_after_secs: Option<u64>) -> GraphError {
    GraphError::Service {
        status,
        code: String::new(),
        message: String::new(),
        request_id: None,
        client_request_id: "c".into(),
        retry_after_secs,
    }
}

fn engine(policy: RetryPolicy, limit: WriteLimit) -> Engine {
    Engine::new(policy, limit, Clock::virtual_time())
}

/// Fails with `errors` in turn, then succeeds; counts the attempts.
async fn run_with(
    engine: &Engine,
    kind: CallKind,
    errors: Vec<GraphError>,
) -> (Result<u32, GraphError>, u32) {
    let calls = AtomicU32::new(0);
    let result = engine
        .run(kind, |_| {
            let n = calls.fetch_add(1, Ordering::SeqCst) as usize;
            let answer = errors.get(n).cloned();
            async move {
                match answer {
                    Some(e) => Err(e),
                    None => Ok(n as u32),
                }
            }
        })
        .await;
    (result, calls.load(Ordering::SeqCst))
}

#[tokio::test]
async fn reads_wait_out_throttling_and_transient_failures() {
    let e = engine(CALL_POLICY, WriteLimit::default());
    let errors = vec![
        service(429, Some(7)),
        service(503, None),
        GraphError::Dropped {
            message: "reset".into(),
            client_request_id: "c".into(),
        },
        service(504, None),
    ];
    let (result, calls) = run_with(&e, CallKind::Read, errors).await;
    assert_eq!(result.unwrap(), 4);
    assert_eq!(calls, 5);
    // The service's 7 s, then three backoffs of at least half a step each.
    assert!(e.clock().waited() >= Duration::from_millis(7_000 + 500 + 1_000 + 2_000));
    assert_eq!(e.sent(), (5, 0));
}

#[tokio::test]
async fn a_write_is_sent_again_only_after_a_429() {
    let e = engine(CALL_POLICY, WriteLimit::default());
    let (result, calls) = run_with(
        &e,
        CallKind::Write,
        vec![service(429, Some(2)), service(500, None)],
    )
    .await;
    assert_eq!(result.unwrap_err().status(), Some(500));
    assert_eq!(
        calls, 2,
        "a 500 may have been applied: the caller checks first"
    );
    assert_eq!(e.clock().waited(), Duration::from_secs(2));
    let (result, calls) = run_with(&e, CallKind::Write, vec![service(400, None)]).await;
    assert_eq!((result.unwrap_err().status(), calls), (Some(400), 1));
    let (result, calls) = run_with(&e, CallKind::Idempotent, vec![service(500, None)]).await;
    assert_eq!((result.unwrap(), calls), (1, 2));
}

#[tokio::test]
async fn a_budget_ends_the_call_instead_of_looping() {
    let policy = RetryPolicy {
        max_attempts: u32::MAX,
        max_total_wait: Duration::from_secs(60),
        base_backoff: Duration::from_secs(1),
        max_backoff: Duration::from_secs(8),
    };
    let e = engine(policy, WriteLimit::default());
    let (result, calls) = run_with(&e, CallKind::Read, vec![service(503, None); 10_000]).await;
    assert_eq!(result.unwrap_err().status(), Some(503));
    // 60 s of waits of at least 0.5, 1, 2, 4, 4, … s: a handful of calls, never thousands.
    assert!((5..=20).contains(&calls), "{calls}");
    assert!(e.clock().waited() <= Duration::from_secs(60));

    // A Retry-After longer than what is left is not shortened.
    let (result, calls) = run_with(&e, CallKind::Read, vec![service(429, Some(61))]).await;
    assert_eq!((result.unwrap_err().status(), calls), (Some(429), 1));
}

#[tokio::test]
async fn writes_share_one_limiter_and_a_429_holds_them_all() {
    let e = engine(
        CALL_POLICY,
        WriteLimit {
            writes: 100,
            window: Duration::from_secs(20),
        },
    );
    let other = e.with_clock(e.clock().clone());
    for i in 0..250 {
        let which = if i % 2 == 0 { &e } else { &other };
        which
            .run(CallKind::Write, |_| async { Ok(()) })
            .await
            .unwrap();
    }
    // 100 at once, 100 after 20 s, 50 after 40 s.
    assert_eq!(e.clock().waited(), Duration::from_secs(40));
    assert_eq!(e.sent(), (0, 250));
    // Reads take no write slot.
    e.run(CallKind::Read, |_| async { Ok(()) }).await.unwrap();
    assert_eq!(e.clock().waited(), Duration::from_secs(40));

    let fresh = engine(CALL_POLICY, WriteLimit::default());
    let (result, _) = run_with(&fresh, CallKind::Search, vec![service(429, Some(9))]).await;
    assert!(result.is_ok());
    // The next writer waits nothing more: the pause is over.
    fresh
        .run(CallKind::Write, |_| async { Ok(()) })
        .await
        .unwrap();
    assert_eq!(fresh.clock().waited(), Duration::from_secs(9));
}

#[test]
fn write_limits_parse() {
    assert_eq!(
        "100/20".parse::<WriteLimit>(),
        Ok(WriteLimit {
            writes: 100,
            window: Duration::from_secs(20)
        })
    );
    assert_eq!(
        " 5 / 1s ".parse::<WriteLimit>().map(|l| l.to_string()),
        Ok("5/1".into())
    );
    for bad in ["", "100", "0/20", "100/0", "a/b", "100/-1"] {
        assert!(bad.parse::<WriteLimit>().is_err(), "{bad}");
    }
    assert_eq!(WriteLimit::default().to_string(), "100/20");
}
