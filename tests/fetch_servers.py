"""Raw socket servers on 127.0.0.1 for the fetch tests, where a real connection must break
or stall mid-body (an HTTP framework would finish or fix the response)."""

from __future__ import annotations

import socket
import threading


def real_pdf(padding: int = 0) -> bytes:
    """A real one-page PDF (reportlab), which pdfium opens: fetch checks that a download does.
    ``padding`` bytes of an uncompressed comment stream make it larger."""
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pageCompression=0)
    pdf.drawString(72, 720, "Digitaliseringsstrategi for Odder Kommune 2024-2027")
    if padding:
        pdf.setTitle("x" * padding)
    pdf.save()
    return buffer.getvalue()


def pdf_head(body: bytes) -> bytes:
    return f"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()


class RawServer:
    """Each connection is answered in its own thread by ``answer(conn, number)``; the
    connection is closed when it returns. ``url`` points at /strategi.pdf."""

    def __init__(self) -> None:
        self.connections = 0
        self._lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/strategi.pdf"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                number = self.connections
            threading.Thread(target=self._handle, args=(conn, number), daemon=True).start()

    def _handle(self, conn: socket.socket, number: int) -> None:
        with conn:
            conn.recv(65536)
            self.answer(conn, number)

    def answer(self, conn: socket.socket, number: int) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.sock.close()
