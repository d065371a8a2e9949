//! 物业服务评价 (揭丑亮短): the public ranking of property companies, and each company's and
//! community's record with its four-period trend. Nothing here is personal; the figures, the
//! score and the grade come from the server, computed by the shared `scorecard` rules.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use mashang_model::scorecard::{Grade, Period, PeriodScore, RankedCompany, Ranking, Scorecard};

use crate::app::use_api;
use crate::components::{LoadBoundary, Page};
use crate::i18n::{Texts, use_i18n};
use crate::paths;

/// The periods a resident can choose: this quarter and the three before it, then this month and
/// the two before it.
fn period_choices() -> Vec<Period> {
    let now = chrono::Utc::now();
    let quarters = Period::quarter_of(now).trend().into_iter().rev();
    let month = Period::month_of(now);
    quarters.chain([month, month.previous(), month.previous().previous()]).collect()
}

fn period_name(t: &Texts, period: Period) -> String {
    period_text(t.period_quarter, t.period_month, period)
}

/// A period in few characters, for the trend table's narrow first column.
fn period_short(t: &Texts, period: Period) -> String {
    period_text(t.period_quarter_short, t.period_month_short, period)
}

fn period_text(quarter_template: &str, month_template: &str, period: Period) -> String {
    match period {
        Period::Quarter { year, quarter } => {
            quarter_template.replace("{year}", &year.to_string()).replace("{q}", &quarter.to_string())
        }
        Period::Month { year, month } => {
            month_template.replace("{year}", &year.to_string()).replace("{m}", &month.to_string())
        }
    }
}

/// Tenths as text: 834 → `83.4`. The contract sends whole numbers, so the app needs no float
/// formatting (or parsing) code.
fn tenths(value: u32) -> String {
    format!("{}.{}", value / 10, value % 10)
}

/// A rate given in per mille, as a percent with one decimal.
fn percent(t: &Texts, per_mille: Option<u32>) -> String {
    per_mille.map_or_else(|| t.no_figure.to_owned(), |rate| format!("{}%", tenths(rate)))
}

/// A rate in whole percent: the trend table's columns must fit a phone even in 长辈模式.
fn whole_percent(t: &Texts, per_mille: Option<u32>) -> String {
    per_mille.map_or_else(|| t.no_figure.to_owned(), |rate| format!("{}%", (rate + 5) / 10))
}

fn grade_name(grade: Grade) -> &'static str {
    match grade {
        Grade::A => "A",
        Grade::B => "B",
        Grade::C => "C",
        Grade::D => "D",
    }
}

/// The score and grade, or 样本不足.
fn verdict(t: &Texts, score: &PeriodScore) -> String {
    match (score.score, score.grade) {
        (Some(points), Some(grade)) => format!("{} · {}", tenths(points), grade_name(grade)),
        _ => t.sample_too_small.to_owned(),
    }
}

/// A choice of period; the page loads again when it changes.
#[component]
fn PeriodChoice(period: RwSignal<Period>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for="period">{move || i18n.t().period_label}</label>
            <select id="period" on:change:target=move |ev| {
                if let Some(chosen) = Period::parse(&ev.target().value()) {
                    period.set(chosen);
                }
            }>
                {period_choices().into_iter().map(|choice| view! {
                    <option value=choice.to_string() selected=move || period.get() == choice>
                        {move || period_name(i18n.t(), choice)}
                    </option>
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
fn Method() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card method" aria-labelledby="method-title">
            <h2 id="method-title">{move || i18n.t().method_title}</h2>
            <p>{move || i18n.t().method_text}</p>
        </section>
    }
}

/// A choice of district, from the districts the communities are in; empty for the whole city.
#[component]
fn DistrictChoice(district: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    // Without the list the ranking is still the city's: a failure just leaves one choice.
    let districts = LocalResource::new(move || {
        let api = api.clone();
        async move {
            let mut names: Vec<String> =
                api.communities("").await.unwrap_or_default().into_iter().map(|c| c.district).collect();
            names.dedup();
            names
        }
    });
    view! {
        <div class="field">
            <label for="district">{move || i18n.t().district_label}</label>
            <select id="district" on:change:target=move |ev| district.set(ev.target().value())>
                <option value="">{move || i18n.t().district_all}</option>
                {move || districts.get().map(|names| names.into_iter().map(|name| {
                    let (value, chosen) = (name.clone(), name.clone());
                    view! { <option value=value selected=move || district.get() == chosen>{name}</option> }
                }).collect_view())}
            </select>
        </div>
    }
}

/// `/scorecards`: 红榜, 黑榜, the whole ranking, and who is not ranked and why; for the city or
/// one district. Drawn inside the frame [`crate::lazy::Lazy`] keeps.
#[component]
pub fn RankingBody() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let period = RwSignal::new(Period::quarter_of(chrono::Utc::now()));
    let district = RwSignal::new(String::new());
    let ranking = LocalResource::new(move || {
        let (api, period, district) = (api.clone(), period.get(), district.get());
        async move { api.ranking(&period.to_string(), &district).await }
    });
    view! {
        <PeriodChoice period />
        <DistrictChoice district />
        <LoadBoundary
            outcome=Signal::derive(move || ranking.get().map(|loaded| loaded.map(|_| ())))
            retry=move |()| ranking.refetch()
        />
        {move || match ranking.get() {
            None => Some(view! { <p class="loading" role="status">{move || i18n.t().loading}</p> }.into_any()),
            Some(Ok(ranking)) => Some(view! { <RankingLists ranking /> }.into_any()),
            Some(Err(_)) => None,
        }}
        <Method />
    }
}

#[component]
fn RankingLists(ranking: Ranking) -> impl IntoView {
    let best: Vec<RankedCompany> = ranking.best().to_vec();
    let worst: Vec<RankedCompany> = ranking.worst().into_iter().cloned().collect();
    view! {
        <CompanyList heading=|t| t.best_title class="roll-best" companies=best />
        <CompanyList heading=|t| t.worst_title class="roll-worst" companies=worst />
        <CompanyList heading=|t| t.ranking_title class="" companies=ranking.ranked.clone() numbered=true />
        <CompanyList heading=|t| t.unranked_title class="" companies=ranking.unranked.clone() />
        <CompanyList heading=|t| t.without_title class="" companies=ranking.without_complaints.clone() />
    }
}

/// A titled list of companies with their score and grade; nothing at all when it is empty.
#[component]
fn CompanyList(
    heading: fn(&Texts) -> &'static str,
    class: &'static str,
    companies: Vec<RankedCompany>,
    #[prop(optional)] numbered: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    (!companies.is_empty()).then(|| {
        let items = companies
            .into_iter()
            .map(|company| {
                let score = company.score.clone();
                view! {
                    <li>
                        <A href=paths::scorecard("companies", company.id) attr:class="score-row">
                            <span>{company.name}</span>
                            <strong class="score-verdict">{move || verdict(i18n.t(), &score)}</strong>
                        </A>
                    </li>
                }
            })
            .collect_view();
        let list = if numbered {
            view! { <ol class="score-list">{items}</ol> }.into_any()
        } else {
            view! { <ul class="score-list">{items}</ul> }.into_any()
        };
        view! {
            <section class=format!("card score-roll {class}")>
                <h2>{move || heading(i18n.t())}</h2>
                {list}
            </section>
        }
    })
}

/// `/scorecards/companies/:id` and `/scorecards/communities/:id`.
#[component]
pub fn ScorecardPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let params = use_params_map();
    let period = RwSignal::new(Period::quarter_of(chrono::Utc::now()));
    let card = LocalResource::new(move || {
        let api = api.clone();
        let (subject, id) = params.with(|p| (p.get("subject").unwrap_or_default(), p.get("id")));
        let period = period.get();
        async move {
            let id: i64 = id.and_then(|id| id.parse().ok()).unwrap_or(0);
            // Only the two kinds of subject exist; anything else is a miss like an unknown id.
            let subject = if subject == "communities" { "communities" } else { "companies" };
            api.scorecard(subject, id, &period.to_string()).await
        }
    });
    view! {
        <Page title=|t| t.scores_title back=true>
            <PeriodChoice period />
            <LoadBoundary
                outcome=Signal::derive(move || card.get().map(|loaded| loaded.map(|_| ())))
                retry=move |()| card.refetch()
            />
            {move || match card.get() {
                None => Some(view! { <p class="loading" role="status">{move || i18n.t().loading}</p> }.into_any()),
                Some(Ok(card)) => Some(view! { <ScorecardView card /> }.into_any()),
                Some(Err(_)) => None,
            }}
            <Method />
        </Page>
    }
}

#[component]
fn ScorecardView(card: Scorecard) -> impl IntoView {
    let i18n = use_i18n();
    let Scorecard { subject, name, context, current, trend, .. } = card;
    let company = subject == mashang_model::scorecard::ScoreSubject::PropertyCompany;
    let context = context.join("、");
    let figures = current.clone();
    view! {
        <section class="card scorecard" aria-labelledby="scorecard-title">
            <h2 id="scorecard-title">{name}</h2>
            <p class="hint">
                {move || if company { i18n.t().managed_communities } else { i18n.t().managed_by }}
                "："{context}
            </p>
            <p class="score-headline">
                <span>{move || i18n.t().score_label}</span>
                <strong class="score-verdict">{move || verdict(i18n.t(), &current)}</strong>
            </p>
            <Figures score=figures />
        </section>
        <section class="card trend" aria-labelledby="trend-title">
            <h2 id="trend-title">{move || i18n.t().trend_title}</h2>
            <TrendChart trend=trend.clone() />
            <TrendTable trend />
        </section>
    }
}

/// The period's figures, each with its name.
#[component]
fn Figures(score: PeriodScore) -> impl IntoView {
    let i18n = use_i18n();
    let (counts, rates) = (score.counts, score.rates);
    type Row = (fn(&Texts) -> &'static str, Box<dyn Fn(&Texts) -> String + Send + Sync>);
    let rows: Vec<Row> = vec![
        (|t| t.complaints_count, Box::new(move |_| counts.complaints.to_string())),
        (|t| t.rated_count, Box::new(move |_| counts.rated.to_string())),
        (|t| t.rate_response, Box::new(move |t| percent(t, rates.response))),
        (|t| t.rate_resolution, Box::new(move |t| percent(t, rates.resolution))),
        (
            |t| t.rate_satisfaction,
            Box::new(move |t| match rates.satisfaction {
                Some(rate) => percent(t, Some(rate)),
                None => t.sample_too_small.to_owned(),
            }),
        ),
        (|t| t.rate_on_time, Box::new(move |t| percent(t, rates.on_time_resolution))),
        (|t| t.rate_repeat, Box::new(move |t| percent(t, rates.repeat))),
        (|t| t.per_10k, Box::new(move |t| rates.per_10k_households.map_or_else(|| t.no_figure.to_owned(), tenths))),
        (
            |t| t.median_sign,
            Box::new(move |t| {
                counts.median_sign_minutes.map_or_else(
                    || t.no_figure.to_owned(),
                    |minutes| {
                        t.minutes_value
                            .replace("{h}", &(minutes / 60).to_string())
                            .replace("{m}", &(minutes % 60).to_string())
                    },
                )
            }),
        ),
        (|t| t.cards_label, Box::new(move |_| format!("{} / {}", counts.yellow_cards, counts.red_cards))),
        (|t| t.open_escalations, Box::new(move |_| counts.open_escalations.to_string())),
    ];
    view! {
        <dl class="facts score-facts">
            {rows.into_iter().map(|(label, value)| view! {
                <dt>{move || label(i18n.t())}</dt>
                <dd>{move || value(i18n.t())}</dd>
            }).collect_view()}
        </dl>
    }
}

/// Chart geometry, in the SVG's own whole units: it scales to the card's width.
const CHART_WIDTH: u32 = 320;
const CHART_HEIGHT: u32 = 160;
const CHART_LEFT: u32 = 40;
const CHART_RIGHT: u32 = 12;
const CHART_TOP: u32 = 12;
const CHART_BOTTOM: u32 = 28;

fn chart_x(index: usize, count: usize) -> u32 {
    let span = (CHART_WIDTH - CHART_LEFT - CHART_RIGHT) as usize;
    CHART_LEFT + (span * index / (count.max(2) - 1)) as u32
}

/// The height of a rate given in per mille.
fn chart_y(per_mille: u32) -> u32 {
    let span = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM;
    CHART_TOP + span * (1000 - per_mille.min(1000)) / 1000
}

/// The points of one rate over the periods; a period without the rate breaks the line.
fn polyline(trend: &[PeriodScore], rate: impl Fn(&PeriodScore) -> Option<u32>) -> Vec<(u32, u32)> {
    trend
        .iter()
        .enumerate()
        .filter_map(|(index, score)| rate(score).map(|r| (chart_x(index, trend.len()), chart_y(r))))
        .collect()
}

/// Satisfaction (solid) and on-time resolution (dashed) over four periods, drawn by the app:
/// no chart library to download. Screen readers get the same numbers from the table below.
#[component]
fn TrendChart(trend: Vec<PeriodScore>) -> impl IntoView {
    let i18n = use_i18n();
    let points = |list: Vec<(u32, u32)>| list.iter().map(|(x, y)| format!("{x},{y}")).collect::<Vec<_>>().join(" ");
    let satisfaction = polyline(&trend, |s| s.rates.satisfaction);
    let on_time = polyline(&trend, |s| s.rates.on_time_resolution);
    let grid = [0, 500, 1000]
        .map(|per_mille| {
            let y = chart_y(per_mille);
            view! {
                <line x1=CHART_LEFT y1=y x2=CHART_WIDTH - CHART_RIGHT y2=y class="chart-grid" />
                <text x=CHART_LEFT - 4 y=y + 4 text-anchor="end" class="chart-label">{format!("{}%", per_mille / 10)}</text>
            }
        })
        .into_iter()
        .collect_view();
    let count = trend.len();
    let labels = trend
        .iter()
        .enumerate()
        .map(|(index, score)| {
            let period = score.period;
            // The outer labels keep inside the drawing: the first starts at its point, the last
            // ends at it.
            let anchor = match index {
                0 => "start",
                last if last + 1 == count => "end",
                _ => "middle",
            };
            view! {
                <text x=chart_x(index, count) y=CHART_HEIGHT - 8 text-anchor=anchor class="chart-label">{period.to_string()}</text>
            }
        })
        .collect_view();
    let dots = |list: &[(u32, u32)], class: &'static str| {
        list.iter().map(|&(x, y)| view! { <circle cx=x cy=y r="3.5" class=class /> }).collect_view()
    };
    view! {
        <svg class="trend-chart" viewBox=format!("0 0 {CHART_WIDTH} {CHART_HEIGHT}") role="img"
            aria-label=move || i18n.t().trend_chart_label>
            {grid}
            {labels}
            <polyline points=points(on_time.clone()) class="chart-line chart-on-time" />
            <polyline points=points(satisfaction.clone()) class="chart-line chart-satisfaction" />
            {dots(&on_time, "chart-dot chart-on-time")}
            {dots(&satisfaction, "chart-dot chart-satisfaction")}
        </svg>
        <p class="chart-legend" aria-hidden="true">
            <span class="legend-satisfaction">{move || i18n.t().rate_satisfaction}</span>
            <span class="legend-on-time">{move || i18n.t().rate_on_time}</span>
        </p>
    }
}

/// The chart's numbers, for everyone and for screen readers.
#[component]
fn TrendTable(trend: Vec<PeriodScore>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = trend
        .into_iter()
        .map(|score| {
            let period = score.period;
            let (rates, points) = (score.rates, score.score);
            view! {
                <tr>
                    <th scope="row">{move || period_short(i18n.t(), period)}</th>
                    <td>{move || whole_percent(i18n.t(), rates.satisfaction)}</td>
                    <td>{move || whole_percent(i18n.t(), rates.on_time_resolution)}</td>
                    <td>{move || whole_percent(i18n.t(), rates.response)}</td>
                    <td>{move || points.map_or_else(|| i18n.t().sample_too_small.to_owned(), tenths)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        // Scrolls sideways when large type makes it wider than the phone, so it takes the focus
        // for keyboard scrolling.
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || i18n.t().trend_title>
            <table class="trend-table">
                <caption>{move || i18n.t().trend_title}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.t().trend_period}</th>
                        <th scope="col">{move || i18n.t().col_satisfaction}</th>
                        <th scope="col">{move || i18n.t().col_on_time}</th>
                        <th scope="col">{move || i18n.t().col_response}</th>
                        <th scope="col">{move || i18n.t().col_score}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
