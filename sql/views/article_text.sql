-- Each article's text without the lines its source repeats across many articles (article_repeated_lines):
-- body_clean less corpus-level boilerplate, one paragraph per line.
create or replace view article_text as
with

articles as (
    select article_id, body_clean from articles
),

repeated as (
    select article_id, line_no from article_repeated_lines
),

lines as (
    select article_id, line_no, start_char, line_chars from article_lines
),

kept_lines as (
    select
        lines.article_id,
        lines.line_no,
        substring(articles.body_clean, lines.start_char + 1, lines.line_chars) as text,
    from lines
    inner join articles using (article_id)
    semi join (select distinct article_id from repeated) as touched using (article_id)
    anti join repeated using (article_id, line_no)
),

rebuilt as (
    select
        article_id,
        string_agg(text, chr(10) order by line_no) as body_text,
    from kept_lines
    group by article_id
),

final as (
    select
        articles.article_id,
        coalesce(rebuilt.body_text, articles.body_clean) as body_text,
        rebuilt.article_id is not null as has_repeated_lines,
    from articles
    left join rebuilt using (article_id)
)

select * from final
