//! Serving connections by hand, so a handler can close its connection
//! without answering (the dropped-connection fault).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

/// How long open connections get to finish at shutdown.
const GRACE: Duration = Duration::from_secs(5);

/// A request extension: triggering it closes the request's connection at once.
#[derive(Clone)]
pub(crate) struct ConnectionDrop(Arc<Notify>);

impl ConnectionDrop {
    pub fn trigger(&self) {
        self.0.notify_one();
    }
}

/// Accepts connections until `cancel`, then lets open ones finish.
pub(crate) async fn serve(listener: TcpListener, router: Router, cancel: CancellationToken) {
    let tracker = TaskTracker::new();
    loop {
        let accepted = tokio::select! {
            _ = cancel.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                tracker.spawn(serve_connection(stream, router.clone(), cancel.clone()));
            }
            Err(e) => {
                tracing::warn!(error = %e, "sandbox: accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    drop(listener);
    tracker.close();
    tracker.wait().await;
}

async fn serve_connection(stream: TcpStream, router: Router, cancel: CancellationToken) {
    let _ = stream.set_nodelay(true);
    let dropper = ConnectionDrop(Arc::new(Notify::new()));
    let for_requests = dropper.clone();
    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(for_requests.clone());
        let router = router.clone();
        async move {
            let response: Result<Response<Body>, Infallible> =
                router.oneshot(req.map(Body::new)).await;
            response
        }
    });
    let builder = auto::Builder::new(TokioExecutor::new());
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        // Returning drops the connection: the socket closes with no answer.
        _ = dropper.0.notified() => {}
        _ = cancel.cancelled() => {
            conn.as_mut().graceful_shutdown();
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = dropper.0.notified() => {}
                _ = tokio::time::sleep(GRACE) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Extension;
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn drop_it(Extension(d): Extension<ConnectionDrop>) -> &'static str {
        d.trigger();
        std::future::pending::<()>().await;
        "never"
    }

    async fn exchange(addr: std::net::SocketAddr, path: &str) -> Vec<u8> {
        let mut s = TcpStream::connect(addr).await.unwrap();
        let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        s.write_all(req.as_bytes()).await.unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn a_triggered_drop_closes_the_socket_without_a_byte() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = Router::new()
            .route("/drop", get(drop_it))
            .route("/ok", get(|| async { "fine" }));
        let cancel = CancellationToken::new();
        let task = tokio::spawn(serve(listener, router, cancel.clone()));

        assert!(exchange(addr, "/drop").await.is_empty());
        let ok = exchange(addr, "/ok").await;
        assert!(
            ok.starts_with(b"HTTP/1.1 200"),
            "{}",
            String::from_utf8_lossy(&ok)
        );

        cancel.cancel();
        task.await.unwrap();
        assert!(TcpStream::connect(addr).await.is_err());
    }
}
