-- Corpus-level boilerplate: a line that many articles of one source share ("More technology of business:", a
-- reporter's contact address, a columnist's bio) is a template of that source, not something written for the
-- article. Derived at the end of every run from all articles, so the answer never depends on the order they arrived
-- in. body_clean is not changed (entity offsets point into it); the view article_text leaves these lines out.

-- The form two lines must share to count as the same line: case, digits (dates, counts, times) and punctuation
-- or spacing do not tell template lines apart. Null for a line without two words: a bare number, a kick-off time
-- ("2000 GMT") or a lone name is a field's value, not a template.
create macro repeated_line_key(line) as
    case
        when regexp_matches(line, '\p{L}+[^\p{L}]+\p{L}')
            then trim(regexp_replace(regexp_replace(lower(line), '\p{N}+', '0', 'g'), '[^\p{L}\p{N}]+', ' ', 'g'))
    end;

-- Every line of every article's body_clean, keyed; filled at the end of a run for articles that have none yet. A
-- later migration that changes repeated_line_key must empty it, so that every line is keyed the same way.
create table article_lines (
    article_id varchar not null,
    line_no integer not null,            -- 1-based line of body_clean
    start_char integer not null,         -- where the line starts in body_clean (0-based, as entity offsets)
    line_chars integer not null,
    line_hash uhugeint,                  -- md5 of repeated_line_key(line) for lines a repeated line can be (at most
                                         -- REPEATED_LINE_MAX_CHARS); null for others and when the key is null
    primary key (article_id, line_no)
);

-- The lines each source repeats in at least the threshold's number of distinct articles.
create table repeated_lines (
    source_key varchar not null,         -- 'outlet:<name>', else 'host:<url host>', else 'folder:<input folder>'
    line_hash uhugeint not null,
    line_text varchar not null,          -- one way the source writes it (the first in sort order, so it is stable)
    article_count integer not null,      -- distinct articles of the source that have the line
    primary key (source_key, line_hash)
);

-- Which lines of which article are a repeated line of the article's source.
create table article_repeated_lines (
    article_id varchar not null,
    line_no integer not null,            -- 1-based line of body_clean
    start_char integer not null,         -- body_clean[start_char : start_char + line_chars] is the line
    line_chars integer not null,
    text varchar not null,
    source_key varchar not null,
    reason varchar not null,             -- 'repeated_in_source'
    primary key (article_id, line_no)
);

alter table runs add column lines_repeated integer;                        -- article_repeated_lines rows after the run, warehouse-wide
