-- The tables that grow with the corpus keep their keys, but no longer as PRIMARY KEY constraints.
--
-- DuckDB backs a primary key with an ART index that lives wholly in memory, and a checkpoint (every 16 MB of WAL,
-- and each time a run lets go of its connection) writes the whole index of every table it changed again, not just
-- what the batch added (duckdb/duckdb#24848, v1.5.5). Appending one batch of 2,000 articles and closing peaked at
-- 339 MiB on a 20k-article warehouse and 733 MiB on a 200k one; with these tables keyless, 228 and 235 MiB. That
-- was the run's memory growing with the warehouse.
--
-- Nothing else changes: every key below is still unique. The load statements insert only rows whose key is not in
-- the table yet (anti joins on new_article_ids, input_files and article_sources), and the data check
-- assert_unique_keys fails a run if any key is ever duplicated. Columns, their order, types and not-null
-- constraints are those of migrations 001-008. runs, derived_state, schema_migrations, entity_links and
-- repeated_lines stay keyed: they are small, or rebuilt whole anyway.

-- key: article_id
create table articles__keyless (
    article_id varchar not null,
    source_uri varchar not null,
    title varchar,
    dateline varchar,
    agencies varchar[] not null,
    body_clean varchar not null,
    language varchar not null,
    language_score double,
    char_count integer not null,
    word_count integer not null,
    source_encoding varchar not null,
    ner_method varchar not null,
    run_id varchar not null,
    ingested_at timestamp with time zone not null,
    pipeline_version varchar not null,
    language_guess varchar,
    language_reason varchar,
    language_method varchar,
    script varchar,
    language_shares struct(language varchar, share double)[],
    url varchar,
    published_at timestamp with time zone,
    published_text varchar,
    outlet varchar,
    given_language varchar,
    byline varchar[],
    quality_flags varchar[]
);
insert into articles__keyless select * from articles;
drop table articles;
alter table articles__keyless rename to articles;

-- key: article_id, line_no
create table removed_lines__keyless (
    article_id varchar not null,
    line_no integer not null,
    text varchar not null,
    reason varchar not null
);
insert into removed_lines__keyless select * from removed_lines;
drop table removed_lines;
alter table removed_lines__keyless rename to removed_lines;

-- key: article_id, headline_no
create table related_headlines__keyless (
    article_id varchar not null,
    headline_no integer not null,
    headline varchar not null
);
insert into related_headlines__keyless select * from related_headlines;
drop table related_headlines;
alter table related_headlines__keyless rename to related_headlines;

-- key: article_id, start_char
create table entity_mentions__keyless (
    article_id varchar not null,
    entity_id varchar not null,
    surface varchar not null,
    start_char integer not null,
    end_char integer not null,
    entity_type varchar not null,
    model_label varchar not null,
    method varchar not null,
    sentence_no integer,
    article_entity_id varchar
);
insert into entity_mentions__keyless select * from entity_mentions;
drop table entity_mentions;
alter table entity_mentions__keyless rename to entity_mentions;

-- key: source_uri
create table input_files__keyless (
    source_uri varchar not null,
    size_bytes bigint not null,
    modified_at_ns bigint not null,
    content_hash varchar not null,
    status varchar not null,
    run_id varchar not null,
    seen_at timestamp with time zone not null
);
insert into input_files__keyless select * from input_files;
drop table input_files;
alter table input_files__keyless rename to input_files;

-- key: source_uri, input_hash
create table article_sources__keyless (
    source_uri varchar not null,
    input_uri varchar not null,
    input_hash varchar not null,
    article_id varchar not null,
    run_id varchar not null
);
insert into article_sources__keyless select * from article_sources;
drop table article_sources;
alter table article_sources__keyless rename to article_sources;

-- key: entity_id
create table entity_keys__keyless (
    entity_id varchar not null,
    entity_key varchar not null
);
insert into entity_keys__keyless select * from entity_keys;
drop table entity_keys;
alter table entity_keys__keyless rename to entity_keys;

-- key: article_id, line_no
create table article_lines__keyless (
    article_id varchar not null,
    line_no integer not null,
    start_char integer not null,
    line_chars integer not null,
    line_hash uhugeint
);
insert into article_lines__keyless select * from article_lines;
drop table article_lines;
alter table article_lines__keyless rename to article_lines;

-- key: article_id, line_no
create table article_repeated_lines__keyless (
    article_id varchar not null,
    line_no integer not null,
    start_char integer not null,
    line_chars integer not null,
    text varchar not null,
    source_key varchar not null,
    reason varchar not null
);
insert into article_repeated_lines__keyless select * from article_repeated_lines;
drop table article_repeated_lines;
alter table article_repeated_lines__keyless rename to article_repeated_lines;
