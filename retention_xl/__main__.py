from retention_xl.cli import app

app(prog_name="retention-xl")
