-- The public contract users' SQL is written against: names and meanings here only ever grow.

create table articles (
    article_id varchar primary key,      -- digest of the repaired text, whitespace collapsed: same content, same id
    source_uri varchar not null,         -- the first input this content was read from
    title varchar,
    dateline varchar,                    -- "Istanbul, Turkey", moved out of the first paragraph
    agencies varchar[] not null,         -- credited agencies, display names, in order of appearance
    body_clean varchar not null,         -- kept lines, one paragraph per line; entity offsets point into it
    language varchar not null,           -- langdetect code, or 'und' where the text cannot support an answer
    language_score double,               -- langdetect's probability for `language`; null for 'und'
    char_count integer not null,         -- characters of body_clean
    word_count integer not null,         -- whitespace-separated tokens of body_clean
    source_encoding varchar not null,    -- how the input bytes were decoded
    ner_method varchar not null,         -- 'model:<name>' or 'none:<reason>'
    run_id varchar not null,
    ingested_at timestamp with time zone not null,
    pipeline_version varchar not null
);

create table removed_lines (
    article_id varchar not null,
    line_no integer not null,            -- 1-based line of the decoded, repaired input text
    text varchar not null,
    reason varchar not null,             -- the rule's reason code, e.g. 'related_headline', 'source_credit'
    primary key (article_id, line_no)
);

create table related_headlines (
    article_id varchar not null,
    headline_no integer not null,        -- the line it stood on in the input
    headline varchar not null,
    primary key (article_id, headline_no)
);

create table entity_mentions (
    article_id varchar not null,
    entity_id varchar not null,
    surface varchar not null,            -- equals body_clean[start_char:end_char] (0-based, end exclusive)
    start_char integer not null,
    end_char integer not null,
    entity_type varchar not null,        -- this mention's type in the common set (PERSON, ORG, LOC, NORP, EVENT, MISC)
    model_label varchar not null,        -- the model's own label (GPE, PER, ...)
    method varchar not null,             -- 'model:<name>'
    primary key (article_id, start_char)
);

-- Derived from entity_mentions at the end of every run, so it never depends on the order inputs arrived in.
create table entities (
    entity_id varchar not null,
    canonical_name varchar not null,     -- the most complete, most common way the entity is written
    entity_type varchar not null,        -- the type most of its mentions have
    entity_key varchar not null,         -- the normalized form it is keyed by
    mention_count integer not null,
    article_count integer not null,
    first_seen_at timestamp with time zone not null,
    last_seen_at timestamp with time zone not null
);

create table entity_aliases (
    entity_id varchar not null,
    surface varchar not null,
    mention_count integer not null
);

create table runs (
    run_id varchar primary key,
    started_at timestamp with time zone not null,
    finished_at timestamp with time zone,
    status varchar not null,             -- 'running', 'completed', 'failed'
    pipeline_version varchar not null,
    sources varchar[] not null,
    inputs_discovered integer,
    inputs_unchanged integer,            -- skipped: same path, size and content as an earlier run
    inputs_read integer,
    inputs_rejected integer,
    articles_read integer,
    articles_duplicate integer,          -- content already in the warehouse or twice in this run
    articles_language_detected integer,
    articles_ner integer,                -- articles sent through an NER model
    articles_loaded integer,
    lines_removed integer,
    mentions_loaded integer,
    checks_failed integer,
    error varchar
);

create table rejected_inputs (
    source_uri varchar not null,
    reason varchar not null,             -- 'empty_input', 'binary_content', 'undecodable', 'too_large', 'unreadable'
    detail varchar not null,
    run_id varchar not null,
    content_hash varchar,
    rejected_at timestamp with time zone not null
);

-- What has been read, so a rerun reads only new or changed inputs.
create table input_files (
    source_uri varchar primary key,
    size_bytes bigint not null,
    modified_at_ns bigint not null,
    content_hash varchar not null,
    status varchar not null,             -- 'loaded' or 'rejected'
    run_id varchar not null,
    seen_at timestamp with time zone not null
);

-- The normalized key each entity id was derived from, so a reader can see why two surfaces are one entity.
create table entity_keys (
    entity_id varchar primary key,
    entity_key varchar not null
);
