-- Each article's text without the lines its source repeats across many articles (article_repeated_lines):
-- body_clean less corpus-level boilerplate, one paragraph per line.
create or replace view article_text as
with

articles as (
    select article_id, body_clean from articles
),

-- The numbers of an article's repeated lines, one list per article: small beside the bodies. Each body is then cut
-- on its own as it streams past; rebuilding the texts from their kept lines with `string_agg` held every rebuilt
-- text at once, and did not fit in 512 MB on a 200k-article warehouse.
repeated as (
    select article_id, list(line_no) as line_nos from article_repeated_lines
    group by article_id
),

final as (
    select
        articles.article_id,
        -- Lines are numbered from 1 in body_clean split at its newlines, as sql/repetition/02_article_lines.sql
        -- numbers them.
        case
            when repeated.article_id is null then articles.body_clean
            else array_to_string(
                list_filter(string_split(articles.body_clean, chr(10)), (line, line_no) -> not list_contains(repeated.line_nos, line_no)),
                chr(10)
            )
        end as body_text,
        repeated.article_id is not null as has_repeated_lines,
    from articles
    left join repeated using (article_id)
)

select * from final
