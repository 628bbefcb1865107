-- `articles` without its primary key. DuckDB writes the whole index of a primary key out at every checkpoint (one
-- runs when the WAL passes 16 MB and whenever a run lets go of its connection), not just the new keys, and its
-- indexes are not held to the memory limit: on a 60k-article warehouse, closing a connection after appending 500
-- articles peaked at about 405 MiB with the key and about 100 without, and the peak grows with the warehouse
-- (duckdb/duckdb#24848). An article_id is a digest of the text, and the loader only inserts ids the warehouse does
-- not hold yet; the data check `assert_unique_article_id` still fails a run that ever stores one twice.
-- DuckDB cannot drop a constraint, so the table is rebuilt with the same columns, in the same order.
create table articles_rebuilt as select * from articles;
drop table articles;
alter table articles_rebuilt rename to articles;
alter table articles alter column article_id set not null;
alter table articles alter column source_uri set not null;
alter table articles alter column agencies set not null;
alter table articles alter column body_clean set not null;
alter table articles alter column language set not null;
alter table articles alter column char_count set not null;
alter table articles alter column word_count set not null;
alter table articles alter column source_encoding set not null;
alter table articles alter column ner_method set not null;
alter table articles alter column run_id set not null;
alter table articles alter column ingested_at set not null;
alter table articles alter column pipeline_version set not null;
