"""CSV uploads as the import form receives them."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile


def csv_file(text: str, name: str = "list.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def many_rows(count: int) -> str:
    return "email,name\n" + "".join(f"reader{i}@example.com,Reader {i}\n" for i in range(count))
