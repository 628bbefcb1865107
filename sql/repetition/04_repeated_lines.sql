insert into repeated_lines by name
with

sources as (
    select article_id, source_key from article_source_keys
),

articles as (
    select article_id, body_clean from articles
),

-- Only lines within the length limit were given a hash (02_article_lines.sql).
candidate_lines as (
    select article_id, line_no, start_char, line_chars, line_hash from article_lines
    where line_hash is not null
),

sourced as (
    select
        sources.source_key,
        candidate_lines.line_hash,
        candidate_lines.article_id,
        substring(articles.body_clean, candidate_lines.start_char + 1, candidate_lines.line_chars) as line_text,
    from candidate_lines
    inner join sources using (article_id)
    inner join articles using (article_id)
),

final as (
    select
        source_key,
        line_hash,
        min(line_text) as line_text,
        count(distinct article_id) as article_count,
    from sourced
    group by source_key, line_hash
    having count(distinct article_id) >= $min_articles
)

select * from final
