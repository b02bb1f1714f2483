// The recommender page: plain ES module, no framework, no CDN. All state lives in the URL
// (view, ratings, filters), so a list can be shared by copying the address.
// The JSON API it calls is documented in lib/app/api.ts.

const $ = (id) => document.getElementById(id);
const esc = (s) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );

/** The page state, mirrored in the URL. */
const state = {
  view: "recommend",
  ratings: [], // [{ movieId, rating, title, year }]
  genres: [],
  mode: "any",
  yearMin: "",
  yearMax: "",
  minRatings: 0,
  n: 10,
  newGenres: [],
  newYear: "",
  newTags: "",
};
const titles = new Map(); // movieId → { title, year }
let info = null;

async function api(path, body) {
  const res = await fetch(
    path,
    body === undefined ? {} : {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    },
  );
  const data = await res.json();
  if (!res.ok) throw new Error(`${data.field ? data.field + ": " : ""}${data.error}`);
  return data;
}

// ------------------------------------------------------------------ URL state

function readUrl() {
  const p = new URLSearchParams(location.search);
  state.view = ["recommend", "new", "explore", "models"].includes(p.get("view"))
    ? p.get("view")
    : "recommend";
  state.ratings = (p.get("r") ?? "").split(",").filter(Boolean).map((pair) => {
    const [id, r] = pair.split(":");
    return { movieId: Number(id), rating: Number(r) };
  }).filter((x) => Number.isInteger(x.movieId) && x.rating >= 0.5 && x.rating <= 5);
  state.genres = (p.get("genres") ?? "").split(",").filter(Boolean);
  state.mode = p.get("mode") === "all" ? "all" : "any";
  state.yearMin = p.get("y0") ?? "";
  state.yearMax = p.get("y1") ?? "";
  state.minRatings = Number(p.get("min") ?? 0) || 0;
  state.n = Math.min(100, Math.max(1, Number(p.get("n") ?? 10) || 10));
  state.newGenres = (p.get("ng") ?? "").split(",").filter(Boolean);
  state.newYear = p.get("year") ?? "";
  state.newTags = p.get("tags") ?? "";
}

function writeUrl() {
  const p = new URLSearchParams();
  p.set("view", state.view);
  if (state.ratings.length) {
    p.set(
      "r",
      state.ratings.map((r) => `${r.movieId}:${r.rating}`).join(","),
    );
  }
  if (state.genres.length) p.set("genres", state.genres.join(","));
  if (state.mode !== "any") p.set("mode", state.mode);
  if (state.yearMin) p.set("y0", state.yearMin);
  if (state.yearMax) p.set("y1", state.yearMax);
  if (state.minRatings) p.set("min", String(state.minRatings));
  if (state.n !== 10) p.set("n", String(state.n));
  if (state.newGenres.length) p.set("ng", state.newGenres.join(","));
  if (state.newYear) p.set("year", state.newYear);
  if (state.newTags) p.set("tags", state.newTags);
  history.replaceState(null, "", `?${p}`);
}

// ------------------------------------------------------------------ views

function showView(view) {
  state.view = view;
  for (const v of ["recommend", "new", "explore", "models"]) $(`view-${v}`).hidden = v !== view;
  for (const a of document.querySelectorAll("nav a")) {
    a.classList.toggle("active", a.dataset.view === view);
  }
  writeUrl();
  if (view === "explore") loadExplore();
  if (view === "models") loadModels();
  if (view === "new" && state.newGenres.length) predictNew();
}

function chips(container, names, selected, onChange) {
  container.innerHTML = names.map((g) =>
    `<label><input type="checkbox" value="${esc(g)}" ${selected.includes(g) ? "checked" : ""}>${
      esc(g)
    }</label>`
  ).join("");
  container.addEventListener("change", () => {
    onChange([...container.querySelectorAll("input:checked")].map((i) => i.value));
  });
}

// ------------------------------------------------------------------ search

let searchTimer = 0;
let searchSeq = 0;
let active = -1;

function setupSearch() {
  const input = $("search");
  const list = $("suggestions");
  input.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => suggest(input.value), 60);
  });
  input.addEventListener("keydown", (e) => {
    const items = [...list.querySelectorAll("li")];
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      active = Math.max(0, Math.min(items.length - 1, active + (e.key === "ArrowDown" ? 1 : -1)));
      items.forEach((li, j) => li.classList.toggle("active", j === active));
    } else if (e.key === "Enter" && items[active >= 0 ? active : 0]) {
      e.preventDefault();
      items[active >= 0 ? active : 0].click();
    } else if (e.key === "Escape") {
      list.hidden = true;
    }
  });
  document.addEventListener("click", (e) => {
    if (!e.target.closest(".search")) list.hidden = true;
  });
}

async function suggest(q) {
  const list = $("suggestions");
  const seq = ++searchSeq;
  if (q.trim() === "") {
    list.hidden = true;
    return;
  }
  const { hits } = await api(`/api/search?q=${encodeURIComponent(q)}&limit=8`);
  if (seq !== searchSeq) return; // a newer query is on its way
  active = -1;
  list.innerHTML = hits.length === 0
    ? `<li class="hint">no title matches “${esc(q)}”</li>`
    : hits.map((h) =>
      `<li role="option" data-movie-id="${h.movieId}">${esc(h.title)} <span class="meta">${
        h.year || ""
      } · ${esc(h.genres.join(", "))} · ${h.ratings.toLocaleString()} ratings</span></li>`
    ).join("");
  list.hidden = false;
  for (const li of list.querySelectorAll("li[data-movie-id]")) {
    const hit = hits.find((h) => h.movieId === Number(li.dataset.movieId));
    li.addEventListener("click", () => addMovie(hit));
  }
  list.dataset.query = q;
}

function addMovie(hit) {
  titles.set(hit.movieId, { title: hit.title, year: hit.year });
  if (!state.ratings.some((r) => r.movieId === hit.movieId)) {
    state.ratings.push({ movieId: hit.movieId, rating: 0 });
  }
  $("suggestions").hidden = true;
  $("search").value = "";
  renderRated();
}

// ------------------------------------------------------------------ rated list

function starsHtml(rating) {
  let html = "";
  for (let s = 1; s <= 5; s++) {
    const cls = rating >= s ? "on" : rating >= s - 0.5 ? "half" : "";
    html +=
      `<button type="button" class="${cls}" data-value="${s}" title="${s} stars (click again for ${
        s - 0.5
      })">★</button>`;
  }
  return html;
}

function renderRated() {
  const ul = $("rated");
  ul.innerHTML = state.ratings.map((r) => {
    const t = titles.get(r.movieId);
    const name = t
      ? `${esc(t.title)} <span class="meta">${t.year || ""}</span>`
      : `movieId ${r.movieId}`;
    return `<li data-movie-id="${r.movieId}"><span class="title">${name}</span>
      <span class="stars" aria-label="${r.rating || "not yet"} stars">${starsHtml(r.rating)}</span>
      <button type="button" class="remove" title="remove">✕</button></li>`;
  }).join("");
  $("rated-empty").hidden = state.ratings.length > 0;
  for (const li of ul.querySelectorAll("li")) {
    const id = Number(li.dataset.movieId);
    const entry = state.ratings.find((r) => r.movieId === id);
    for (const b of li.querySelectorAll(".stars button")) {
      b.addEventListener("click", () => {
        const v = Number(b.dataset.value);
        entry.rating = entry.rating === v ? v - 0.5 : v;
        renderRated();
        recommend();
      });
    }
    li.querySelector(".remove").addEventListener("click", () => {
      state.ratings = state.ratings.filter((r) => r.movieId !== id);
      renderRated();
      recommend();
    });
  }
  writeUrl();
}

// ------------------------------------------------------------------ recommendations

let recommendSeq = 0;

function filters() {
  const f = {};
  if (state.genres.length) f.genres = state.genres, f.genreMode = state.mode;
  if (state.minRatings > 0) f.minRatings = state.minRatings;
  if (state.yearMin) f.yearMin = Number(state.yearMin);
  if (state.yearMax) f.yearMax = Number(state.yearMax);
  return f;
}

async function recommend() {
  writeUrl();
  const cards = $("cards");
  const rated = state.ratings.filter((r) => r.rating > 0);
  const seq = ++recommendSeq;
  cards.dataset.state = "loading";
  try {
    const out = await api("/api/recommend", {
      ratings: rated.map(({ movieId, rating }) => ({ movieId, rating })),
      n: state.n,
      filters: filters(),
    });
    if (seq !== recommendSeq) return;
    $("results-title").textContent = rated.length
      ? `Top ${out.items.length} for you`
      : "Top movies overall (rate a few to personalise)";
    $("results-note").textContent =
      `${out.candidates.toLocaleString()} movies pass the filters · ` +
      `your bias ${out.person.bias >= 0 ? "+" : ""}${
        out.person.bias.toFixed(2)
      }★ from ${out.person.ratings} ` +
      `rating${out.person.ratings === 1 ? "" : "s"} · answered in ${out.ms.toFixed(1)} ms`;
    cards.innerHTML = out.items.map(card).join("");
    for (const b of cards.querySelectorAll("button.more")) {
      b.addEventListener("click", () => similar(Number(b.dataset.movieId), b.dataset.title));
    }
    cards.dataset.state = "ready";
    cards.dataset.count = String(out.items.length);
  } catch (error) {
    if (seq !== recommendSeq) return;
    cards.innerHTML = `<p class="error">${esc(error.message)}</p>`;
    cards.dataset.state = "error";
  }
}

function card(m) {
  const p = m.parts;
  const width = (v) => `${Math.min(100, Math.abs(v) / 5 * 100).toFixed(1)}%`;
  const contrib = p.contributions.slice(0, 3).map((c) =>
    `<span class="${c.total >= 0 ? "pos" : "neg"}">${esc(c.title)} ${c.total >= 0 ? "+" : ""}${
      c.total.toFixed(2)
    }</span>`
  ).join(", ");
  return `<article class="movie" data-movie-id="${m.movieId}" data-genres="${
    esc(m.genres.join("|"))
  }">
    <h3>${esc(m.title)} <span class="year">${m.year || ""}</span></h3>
    <div class="genres">${esc(m.genres.join(" · "))} · ${m.ratings.toLocaleString()} ratings</div>
    <div class="predicted">predicted <b>${"★".repeat(Math.round(m.predicted))}</b> ${
    m.predicted.toFixed(2)
  }</div>
    <div class="parts" title="μ ${p.mu.toFixed(2)} + you ${p.userBias.toFixed(2)} + movie ${
    p.itemBias.toFixed(2)
  } + taste ${p.factorTerm.toFixed(2)}">
      <span style="width:${width(p.mu)};background:#bbb"></span>
      <span style="width:${width(p.itemBias)};background:${
    p.itemBias >= 0 ? "#60a5fa" : "#fca5a5"
  }"></span>
      <span style="width:${width(p.userBias + p.factorTerm)};background:${
    p.userBias + p.factorTerm >= 0 ? "#f59e0b" : "#fca5a5"
  }"></span>
    </div>
    <div class="because">${esc(m.because)}</div>
    <div class="breakdown">μ ${p.mu.toFixed(2)} ${sign(p.itemBias)} movie ${sign(p.userBias)} you ${
    sign(p.factorTerm)
  } taste${contrib ? ` · ${contrib}` : ""}</div>
    <button type="button" class="more" data-movie-id="${m.movieId}" data-title="${
    esc(m.title)
  }">more like this</button>
  </article>`;
}

const sign = (v) => `${v >= 0 ? "+" : "−"} ${Math.abs(v).toFixed(2)}`;

async function similar(movieId, title) {
  const box = $("similar");
  box.hidden = false;
  box.innerHTML = `<b>More like ${esc(title)}</b> …`;
  try {
    const out = await api(
      `/api/similar?movieId=${movieId}&n=10&minRatings=${Math.max(5, state.minRatings)}`,
    );
    box.innerHTML = `<b>More like ${
      esc(title)
    }</b> <span class="hint">(closest item vectors, cosine)</span><ol>${
      out.similar.map((s) =>
        `<li>${esc(s.title)} <span class="hint">${s.year || ""} · ${
          s.similarity.toFixed(2)
        }</span></li>`
      ).join("")
    }</ol>`;
    box.scrollIntoView({ behavior: "smooth", block: "nearest" });
  } catch (error) {
    box.innerHTML = `<p class="error">${esc(error.message)}</p>`;
  }
}

function setupFilters() {
  chips($("genres"), info.genres, state.genres, (g) => {
    state.genres = g;
    recommend();
  });
  $("genre-mode").value = state.mode;
  $("year-min").value = state.yearMin;
  $("year-max").value = state.yearMax;
  $("min-ratings").value = String(state.minRatings);
  $("count").value = String(state.n);
  const bind = (id, set) =>
    $(id).addEventListener("change", (e) => {
      set(e.target.value);
      recommend();
    });
  bind("genre-mode", (v) => state.mode = v);
  bind("year-min", (v) => state.yearMin = v);
  bind("year-max", (v) => state.yearMax = v);
  bind("min-ratings", (v) => state.minRatings = Math.max(0, Number(v) || 0));
  bind("count", (v) => state.n = Math.min(100, Math.max(1, Number(v) || 10)));
}

// ------------------------------------------------------------------ new movie

function setupNew() {
  chips($("new-genres"), info.genres, state.newGenres, (g) => {
    state.newGenres = g;
    writeUrl();
  });
  $("new-year").value = state.newYear;
  $("new-year").addEventListener("change", (e) => {
    state.newYear = e.target.value;
    writeUrl();
  });
  $("new-go").addEventListener("click", predictNew);
  const tags = info.newMovie.tags;
  $("new-tags-row").hidden = tags.length === 0;
  if (tags.length > 0) {
    $("new-tags-list").innerHTML = tags.map((t) => `<option value="${esc(t)}">`).join("");
    $("new-tags").value = state.newTags;
    $("new-tags").addEventListener("change", (e) => {
      state.newTags = e.target.value;
      writeUrl();
    });
  }
  $("new-method").textContent = `Model: ${info.newMovie.method}.`;
}

async function predictNew() {
  const out = $("new-out");
  if (state.newGenres.length === 0) {
    out.innerHTML = `<p class="hint">Pick at least one genre.</p>`;
    return;
  }
  out.dataset.state = "loading";
  try {
    const r = await api("/api/new-movie", {
      genres: state.newGenres,
      year: state.newYear ? Number(state.newYear) : undefined,
      tags: info.newMovie.tags.length > 0
        ? state.newTags.split(",").map((t) => t.trim()).filter(Boolean)
        : undefined,
    });
    const max = Math.max(...r.histogram, 1);
    out.innerHTML = `
      <p class="method">${esc(r.method)}</p>${
      r.features.length > 0
        ? `<p class="hint features">bias shares w·f: ${
          r.features.map((f) => `${esc(f.feature)} ${f.bias >= 0 ? "+" : ""}${f.bias.toFixed(2)}`)
            .join(" · ")
        }${
          r.unknownTags.length ? ` (tags not in the model: ${esc(r.unknownTags.join(", "))})` : ""
        }</p>`
        : ""
    }
      <div class="stats">
        <div><div class="big">${
      r.meanPredicted.toFixed(2)
    }★</div><div class="hint">mean predicted rating</div></div>
        <div><div class="big">${
      (r.shareAbove4 * 100).toFixed(1)
    } %</div><div class="hint">of users predicted ≥ 4★</div></div>
        <div><div class="big">${
      r.baseline.toFixed(2)
    }★</div><div class="hint">μ + movie bias</div></div>
      </div>
      <div class="hist">${
      r.histogram.map((c) =>
        `<div style="height:${(c / max * 100).toFixed(1)}%" title="${c} users"></div>`
      ).join("")
    }</div>
      <div class="hist-labels">${
      r.histogram.map((_c, j) => `<span>${(j + 1) / 2}</span>`).join("")
    }</div>
      <p class="hint">users by predicted rating (stars)</p>
      <h2>The users it suits best</h2>
      <table><tr><th>userId</th><th>predicted</th><th>ratings</th><th>their favourite</th></tr>${
      r.users.map((u) =>
        `<tr><td>${u.userId}</td><td>${u.predicted.toFixed(2)}★</td><td>${u.ratings}</td><td>${
          esc(u.favourite)
        }</td></tr>`
      ).join("")
    }</table>
      <h2>Closest rated movies</h2>
      <ol>${
      r.similar.map((m) =>
        `<li>${esc(m.title)} <span class="hint">${m.year || ""} · ${
          esc(m.genres.join(", "))
        }</span></li>`
      ).join("")
    }</ol>`;
    out.dataset.state = "ready";
  } catch (error) {
    out.innerHTML = `<p class="error">${esc(error.message)}</p>`;
    out.dataset.state = "error";
  }
}

// ------------------------------------------------------------------ explore and models

let exploreLoaded = false;
async function loadExplore() {
  if (exploreLoaded) return;
  exploreLoaded = true;
  const v = await api("/api/explore");
  $("card").innerHTML = Object.entries(v.card).map(([k, val]) =>
    `<tr><th>${esc(k)}</th><td>${esc(val)}</td></tr>`
  )
    .join("");
  $("figures").innerHTML = v.figures.map((f) =>
    `<figure>${
      f.svg ?? `<img src="${esc(f.url)}" alt="${esc(f.title)}">`
    }<figcaption class="hint">${esc(f.title)}</figcaption></figure>`
  ).join("");
}

let modelsLoaded = false;
async function loadModels() {
  if (modelsLoaded) return;
  modelsLoaded = true;
  const v = await api("/api/models");
  const num = (x) => (x === null ? "–" : x.toFixed(4));
  $("models").innerHTML =
    "<tr><th>model</th><th>kind</th><th>K</th><th>hyper-parameters</th><th>epochs</th>" +
    "<th>train RMSE</th><th>validation RMSE</th></tr>" +
    v.rows.map((r) =>
      `<tr><td>${esc(r.name)}${r.serving ? " <b>(serving)</b>" : ""}</td><td>${
        esc(r.kind)
      }</td><td>${r.k}</td><td>${esc(r.hyper)}</td><td>${r.epochs}</td><td>${
        num(r.trainRmse)
      }</td><td>${num(r.validationRmse)}</td></tr>`
    ).join("");
  $("convergence").innerHTML = v.svg ? `<figure>${v.svg}</figure>` : "";
  $("models-note").textContent = v.skipped.length ? `skipped: ${v.skipped.join("; ")}` : "";
}

// ------------------------------------------------------------------ start

async function start() {
  readUrl();
  info = await api("/api/info");
  $("status").textContent =
    `${info.dataset.name} · ${info.dataset.ratings.toLocaleString()} ratings · ${info.model.kind} K=${info.model.k}`;
  $("footer").textContent =
    `Model ${info.model.name}. Up to ${info.limits.maxRatings} ratings per person; ` +
    "nothing is stored on the server.";
  // Titles of movies rated in a shared URL.
  await Promise.all(state.ratings.map(async (r) => {
    try {
      const m = await api(`/api/movie/${r.movieId}`);
      titles.set(r.movieId, { title: m.title, year: m.year });
    } catch { /* an unknown movie stays listed by id; recommend names it */ }
  }));
  setupSearch();
  setupFilters();
  setupNew();
  renderRated();
  for (const a of document.querySelectorAll("nav a")) {
    a.addEventListener("click", (e) => {
      e.preventDefault();
      showView(a.dataset.view);
    });
  }
  showView(state.view);
  await recommend();
  document.body.dataset.ready = "1";
}

start().catch((error) => {
  $("status").textContent = `error: ${error.message}`;
  throw error;
});
