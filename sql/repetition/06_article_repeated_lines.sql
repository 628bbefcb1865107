insert into article_repeated_lines by name
with

sources as (
    select article_id, source_key from article_source_keys
),

-- Run once per part of the articles (flows/warehouse.py): cutting the text holds the bodies of the part's articles,
-- and all of a 200k-article warehouse's bodies did not fit in 512 MB.
articles as (
    select article_id, body_clean from articles
    where rowid >= $first_row and rowid < $end_row
),

lines as (
    select article_id, line_no, start_char, line_chars, line_hash from article_lines
    semi join articles using (article_id)
),

repeated as (
    select source_key, line_hash from repeated_lines
),

matched as (
    select
        lines.article_id,
        lines.line_no,
        lines.start_char,
        lines.line_chars,
        sources.source_key,
    from lines
    inner join sources using (article_id)
    inner join repeated using (source_key, line_hash)
),

-- An article made only of its source's repeated lines is a stub or a copy, not a body with a template around it:
-- it keeps its text rather than be emptied.
line_counts as (
    select article_id, count(*) as line_count from lines group by article_id
),

matched_counts as (
    select article_id, count(*) as matched_count from matched group by article_id
),

final as (
    select
        matched.article_id,
        matched.line_no,
        matched.start_char,
        matched.line_chars,
        substring(articles.body_clean, matched.start_char + 1, matched.line_chars) as text,
        matched.source_key,
        $reason as reason,
    from matched
    inner join articles using (article_id)
    inner join matched_counts using (article_id)
    inner join line_counts using (article_id)
    where matched_counts.matched_count < line_counts.line_count
)

select * from final
