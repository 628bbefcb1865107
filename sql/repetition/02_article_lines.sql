-- Key the lines of articles loaded since the last derivation; an article's lines never change, so keyed once.
insert into article_lines by name
with

articles as (
    select article_id, body_clean from articles
    anti join (select distinct article_id from article_lines) as keyed using (article_id)
),

split as (
    select
        articles.article_id,
        lines.line_no::integer as line_no,
        lines.line,
    from articles,
    unnest(string_split(articles.body_clean, chr(10))) with ordinality as lines(line, line_no)
),

measured as (
    select
        article_id,
        line_no,
        length(line) as line_chars,
        -- Each line is followed by one newline: its start is what the lines before it and their newlines take.
        coalesce(sum(length(line) + 1) over (partition by article_id order by line_no rows between unbounded preceding and 1 preceding), 0) as start_char,
        md5_number(repeated_line_key(line)) as line_hash,
    from split
),

final as (
    select article_id, line_no, start_char::integer as start_char, line_chars::integer as line_chars, line_hash,
    from measured
)

select * from final
