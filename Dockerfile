# Kiroku web and worker image (production; see docker-compose.yml).
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert tesseract-ocr-eng \
      tesseract-ocr-osd fonts-ipaexfont poppler-utils ghostscript curl \
 && rm -rf /var/lib/apt/lists/*
ENV PYTHONUNBUFFERED=1 OMP_THREAD_LIMIT=1
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
RUN KIROKU_SECRET_KEY=build KIROKU_AUDIT_KEY=build python manage.py collectstatic --noinput -v0
RUN useradd --system --home /var/lib/kiroku kiroku && mkdir -p /var/lib/kiroku \
 && chown kiroku /var/lib/kiroku
USER kiroku
EXPOSE 8000
