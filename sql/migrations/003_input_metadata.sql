-- Structured inputs (JSON, CSV/TSV, Parquet, HTML): the metadata they carry, where each copy of an article was
-- read, and what a changed input replaced.

alter table articles add column url varchar;                                 -- as given by the input (a field, or the page's canonical link)
alter table articles add column published_at timestamp with time zone;       -- published_text parsed (a date without a zone is UTC); null when unparsed
alter table articles add column published_text varchar;                      -- the publication date exactly as the input wrote it
alter table articles add column outlet varchar;                              -- the source/outlet/site field, or the page's site name
alter table articles add column given_language varchar;                      -- the language the input declared, as written ('en', 'English', 'fr-CA'); not checked

alter table runs add column articles_replaced integer;                       -- articles removed because the input they came from changed
-- runs.status gains 'interrupted': a run found still 'running' by the next one, which resumed its work.

-- One row per document read: which article it turned out to be. An article is kept while any row references
-- it, so content shared by two files survives a change to one of them.
create table article_sources (
    source_uri varchar not null,         -- the file, or `file#row=N` (0-based) for a row of a structured file
    input_uri varchar not null,          -- the input file (input_files.source_uri)
    input_hash varchar not null,         -- content hash of the version of the input it was read from
    article_id varchar not null,
    run_id varchar not null,
    primary key (source_uri, input_hash)
);

-- Articles taken out because the input they came from changed (and no other input still holds them), with their
-- text, so that nothing is lost silently.
create table replaced_articles (
    article_id varchar not null,
    source_uri varchar not null,         -- where the article was credited to
    input_uri varchar not null,          -- the changed input
    input_hash varchar not null,         -- the version of it the article came from
    title varchar,
    body_clean varchar not null,
    run_id varchar not null,             -- the run that loaded the new version
    replaced_at timestamp with time zone not null
);

-- Warehouses loaded before this migration: each article was read from its source_uri, a whole file.
insert into article_sources (source_uri, input_uri, input_hash, article_id, run_id)
select
    articles.source_uri,
    articles.source_uri as input_uri,
    coalesce(input_files.content_hash, '') as input_hash,
    articles.article_id,
    articles.run_id,
from articles
left join input_files using (source_uri);
