FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=arxdaily.settings.production
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build ALLOWED_HOSTS=build ARXDAILY_SITE_URL=http://build DATABASE_URL=sqlite:////tmp/build.db \
    python manage.py collectstatic --noinput
RUN useradd --system arxdaily
USER arxdaily
EXPOSE 8000
CMD ["gunicorn", "arxdaily.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
