"""Weighted keyword lexicons for `classify_domains` (GUIDELINES.md, `domains`).

Each label maps to {term: weight}.  A term is
  * a lower-case word or phrase of up to three words, matched on word boundaries after lower-casing, splitting
    hyphens ("vision-language" == "vision language") and dropping a plural "s" (so "graph" also finds "graphs");
  * a word ending in "*": any word with that prefix ("tokeniz*" finds tokenizer, tokenization);
  * "=TOKEN": a case-sensitive token, for acronyms that are ordinary words in lower case ("=RL", "=IR").
A negative weight on a phrase cancels a misleading word inside it ("inductive bias" is not about fairness).
Matching is dictionary look-ups over the text's words, so the lexicon can grow without slowing the extractor.
"""
from __future__ import annotations

LEXICON: dict[str, dict[str, float]] = {
    "language": {
        "language model": 3, "large language model": 1, "=LLM": 3, "=LLMs": 3, "=LM": 2, "=LMs": 2, "=NLP": 2,
        "natural language": 2, "text": 1.5, "textual": 1.5, "translation": 1.5, "machine translation": 1,
        "question answering": 2, "sentence": 1, "document": 1, "prompt": 1.5, "prompting": 1.5,
        "in context learning": 2, "chain of thought": 2, "reasoning": 1.5, "=GPT": 1.5, "=BERT": 1.5,
        "=LLaMA": 1.5, "=Llama": 1.5, "=Mistral": 1.5, "=Qwen": 1.5, "=Gemma": 1.5, "=T5": 1.5, "=OPT": 1.5,
        "=RoBERTa": 1.5, "=ChatGPT": 1.5, "=Mixtral": 1.5, "=DeepSeek": 1.5, "tokeniz*": 1.5, "decoding": 1.5,
        "summarization": 1, "summarisation": 1, "code generation": 1.5, "pretraining": 1, "pre training": 1,
        "instruction tuning": 1, "instruction tuned": 1, "=RLHF": 1.5, "alignment": 1.5, "multilingual": 1.5,
        "word": 1, "natural language inference": 1.5, "=NLI": 1.5, "named entity": 1.5, "relation extraction": 1.5,
        "agent": 1, "perplexity": 1, "text to sql": 1, "kv cache": 1, "long context": 1, "corpus": 1, "corpora": 1,
        "sequence modeling": 1, "sentiment": 1, "dialogue": 1, "dialog": 1, "conversation*": 1,
        "math reasoning": 1, "mathematical reasoning": 1, "=GSM8K": 1, "language": 2, "mixture of expert": 2,
        "=MoE": 2, "=MoEs": 2, "=SMoE": 2, "expert": 1, "language modeling": 1.5, "preference learning": 2,
        "preference optimization": 2, "preference data": 2, "=DPO": 2, "code": 1.5, "program synthesis": 1.5,
        "=PEFT": 2, "parameter efficient": 2, "=LoRA": 1, "fine tuning": 1, "finetuning": 1, "token": 1,
        "parsing": 1.5, "parser": 1.5, "syntactic": 1.5, "syntax": 1, "lexical": 1, "linguistic*": 2,
        "part of speech": 2, "hate speech": 3, "news": 1, "fake news": 2, "misinformation": 1.5,
        "text classification": 2, "=NER": 1.5, "toxic*": 1, "essay": 1,
    },
    "vision": {
        "image": 3, "vision": 2, "visual": 2, "object detection": 3, "detector": 3, "segmentation": 3,
        "=ImageNet": 2, "=CIFAR": 2, "=COCO": 2, "=ViT": 2, "=ViTs": 2, "vision transformer": 2, "=CNN": 2,
        "=CNNs": 2, "convolution": 2, "convolutional": 2, "video": 2, "=3D": 2, "point cloud": 2,
        "super resolution": 2, "pixel": 1.5, "computer vision": 1.5, "classification": 1.5, "backbone": 1,
        "resnet*": 1.5, "face": 1.5, "pose estimation": 1.5, "patch": 1, "patche": 1, "image classification": 1.5,
        "domain generalization": 1, "out of distribution": 1, "detection": 1.5, "depth estimation": 2,
        "tracking": 1.5, "scene": 1, "camera": 1.5, "rendering": 1.5, "re identification": 3, "=LiDAR": 2,
        "remote sensing": 2, "aerial": 1.5, "gaussian splatting": 3, "=NeRF": 2, "optical flow": 2,
        "pedestrian": 1.5, "autonomous driving": 1.5,
        "semantic segmentation": 1, "instance segmentation": 1, "action recognition": 2, "keypoint": 1.5,
        "=YOLO": 2, "=DETR": 2, "3d reconstruction": 2, "stereo": 1.5, "mesh": 1.5, "photo*": 1.5,
    },
    "multimodal": {
        "vision language": 4, "multimodal": 4, "multi modal": 4, "=MLLM": 3, "=MLLMs": 3, "=VLM": 3, "=VLMs": 3,
        "=LVLM": 3, "=LVLMs": 3, "image text": 3, "text image": 3, "=CLIP": 2.5, "visual question answering": 2.5,
        "=VQA": 2.5, "audio language": 2, "text to audio": 2, "caption*": 1.5, "cross modal": 1.5,
        "visual document": 2, "omni modal": 4, "omnimodal": 4, "video question answering": 2.5,
        "vision and language": 3, "audio visual": 3, "video llm": 4, "video language": 4,
        "vision language action": 4, "=VLA": 3, "=VLAs": 3, "audio text": 2, "speech text": 2,
    },
    "speech_audio": {
        "speech": 4, "audio": 3, "speaker": 3, "music": 3, "=ASR": 2, "acoustic": 2, "sound": 2, "voice": 2,
        "spoken": 2, "hate speech": -4, "part of speech": -4, "free speech": -4,  # speech as text, not sound
    },
    "generative_media": {
        "diffusion model": 4, "diffusion transformer": 4, "image generation": 4, "video generation": 4,
        "text to image": 4, "text to video": 4, "=T2I": 4, "image synthesis": 3, "stable diffusion": 2,
        "=SDXL": 2, "=FID": 2, "music generation": 2, "visual generation": 2, "masked generation": 2,
        "denois*": 1.5, "=GAN": 1, "=GANs": 1, "generative adversarial": 1, "diffusion": 2, "image editing": 4,
        "video editing": 4, "video synthesis": 3, "3d generation": 3, "talking head": 3, "inpainting": 2,
        "image to video": 4, "text to 3d": 4, "=DiT": 3, "=DiTs": 3, "flow matching": 1.5, "rectified flow": 1.5,
        "style transfer": 2, "motion generation": 3, "avatar": 2,
    },
    "graph": {
        "graph neural network": 4, "=GNN": 4, "=GNNs": 4, "graph": 3, "node": 2, "link prediction": 2,
        "knowledge graph": 2, "edge": 1.5, "subgraph": 1.5, "molecul*": 1.5, "weisfeiler": 1.5, "=WL": 1.5,
        "=GCN": 3, "=GCNs": 3, "message passing": 2, "hypergraph": 3,
    },
    "tabular": {
        "tabular": 5, "gradient boosting": 2, "=XGBoost": 2, "decision tree": 2, "random forest": 2,
        "structured data": 1.5, "feature engineering": 1, "credit card": 1.5, "churn": 1.5,
    },
    "time_series": {
        "time series": 5, "forecast*": 3, "temporal": 1.5, "nowcasting": 1.5, "seasonal*": 1,
    },
    "reinforcement_learning": {
        "reinforcement learning": 4, "=RL": 3, "=DRL": 3, "=MARL": 3, "policy": 2.5, "policie": 2.5, "reward*": 2.5,
        "markov decision": 2, "=MDP": 2, "=MDPs": 2, "multi agent": 2, "bandit": 2, "game": 2, "agent": 1.5,
        "off policy": 2, "on policy": 2, "q learning": 2, "actor critic": 2, "=PPO": 2, "regret": 1.5,
        "exploration": 1.5, "monte carlo tree search": 1.5, "=MCTS": 1.5, "self play": 1.5, "chess": 1.5,
        "atari": 1.5,
        "world model": 1.5, "planning": 1,
    },
    "recommender": {
        "recommender": 5, "recommendation": 5, "collaborative filtering": 2, "click through": 2, "=CTR": 2,
        "user": 0.5,
    },
    "retrieval": {
        "information retrieval": 4, "document retrieval": 4, "passage retrieval": 4, "text retrieval": 4,
        "dense retrieval": 4, "sparse retrieval": 4, "neural retrieval": 4, "retriev*": 3, "=RAG": 3,
        "retrieval augmented": 3, "rerank*": 3, "re ranking": 3, "re ranker": 3, "ranking": 2, "search engine": 2,
        "web search": 2, "querie": 2, "query": 2, "=IR": 2, "embedding": 1.5, "=BEIR": 2, "ms marco": 2,
        "passage": 1.5, "datastore": 1,
    },
    "systems": {
        "serving": 3, "=GPU": 3, "=GPUs": 3, "hardware": 3, "distributed training": 3, "distributed": 3,
        "parallelism": 3, "pipeline parallel": 3, "throughput": 1, "latency": 1, "compiler": 2, "kernel": 2,
        "federated": 3, "edge device": 2, "mobile device": 2, "on device": 2, "gpu cluster": 2,
        "compute cluster": 2, "scheduling": 2, "scheduler": 2, "memory": 1, "inference system": 3,
        "serving system": 3, "communication": 1.5, "deployment": 1, "deploy*": 1, "quantiz*": 1,
        "offloading": 2, "database": 2, "worker": 1.5, "=CPU": 2, "=CPUs": 2, "=FPGA": 2, "accelerator": 2,
        "system": 0.5, "prefill": 2, "batching": 2, "bandwidth": 1.5, "disaggregat*": 3, "=SLO": 2, "=SLOs": 2,
        "goodput": 2, "computer architecture": 3, "architecture design": 3, "hardware design": 3, "knob": 2,
        "pipeline": 1.5, "expert parallelism": 3, "load balancing": 1.5, "all to all": 2, "speedup": 1,
        "inference latency": 1.5, "end to end latency": 1.5, "consumer hardware": 2, "consumer gpu": 2,
        "=CUDA": 2, "=TPU": 2, "=TPUs": 2, "=HPC": 3, "=NPU": 2, "data center": 2, "datacenter": 2,
        "microcontroller*": 2, "embedded": 1.5, "=vLLM": 2, "operator fusion": 2,
    },
    "optimization": {
        "bayesian optimization": 4, "bayesian optimisation": 4, "evolutionary": 4, "genetic algorithm": 4,
        "multi objective": 3, "multiobjective": 3, "combinatorial optimization": 2, "search space": 2,
        "hyperparameter*": 2, "=AutoML": 2, "configuration search": 2, "=NAS": 2, "pareto": 2, "black box": 1.5,
        "optimization problem": 1.5, "acquisition function": 1, "design": 1.5, "heuristic": 1.5,
        "metaheuristic*": 3, "swarm": 2, "linear programming": 3, "integer programming": 3, "=MILP": 3,
        "solver": 1.5, "zeroth order": 2, "zero order": 2, "first order method": 2, "stochastic optimization": 2,
        "convex optimization": 2,
    },
    "theory": {
        "theory": 3, "theoretical": 3, "theoretically": 3, "theorem": 3, "bound": 3, "prove": 2.5, "proof": 2.5,
        "game theory": 3, "game theoretic": 3, "mechanism design": 3, "equilibri*": 3, "convergence rate": 2,
        "minimax": 2, "sample complexity": 2, "approximation ratio": 2, "approximation algorithm": 2,
        "strategyproof": 2, "strategy proof": 2, "statistic*": 1.5, "estimat*": 1.5, "regret": 1.5, "auction": 1.5,
        "agent": 1.5, "asymptotic*": 1.5, "polynomial": 1.5, "np hard": 1.5, "competitive ratio": 1.5,
        "online algorithm": 1.5, "facility location": 3, "causal": 1, "characteriz*": 1, "characterisation": 1,
        "characterise": 1, "mathematical": 1.5, "lemma": 2, "=PAC": 2,
        "allocation": 2, "approximation": 2, "axiom": 2, "indivisible": 2, "proportional*": 2, "algorithm": 1.5,
        "guarantee*": 1.5, "provabl*": 1.5, "optimal*": 1.5, "strategic": 1.5, "mechanism": 1.5, "k means": 1,
    },
    "fairness_privacy": {
        "fair": 3, "fairness": 4, "unfair*": 4, "privacy": 4, "private": 4, "differential privacy": 2,
        "differentially private": 2, "secure": 3, "security": 3, "adversarial attack": 3, "byzantine": 3,
        "jamming": 3, "bias": 1.5, "biase": 1.5, "biased": 1.5, "inductive bias": -1.5, "equitable": 3, "equity": 3,
        "inclusion": 3,
        "safety": 2, "unlearning": 2, "sensitive attribute": 2, "demographic*": 2, "protected group": 2,
        "interpretab*": 1.5, "transparen*": 1.5, "distillation attack": 1.5, "antidistillation": 1.5,
        "representativeness": 1.5,
        "jailbreak*": 3, "guardrail*": 3, "backdoor": 3, "membership inference": 3, "watermark*": 2,
        "deepfake*": 2, "poisoning": 2, "red teaming": 2, "harmful": 1.5,
    },
    "finance_economics": {
        "portfolio": 5, "trading": 4, "stock market": 4, "stock exchange": 4, "stock price": 4,
        "stock return": 4, "equity index": 4, "equity indice": 4, "equity market": 4, "financ*": 4, "investment": 3,
        "investor": 3, "investing": 3, "invest": 3,
        "betting": 3, "profit*": 3, "auction": 3, "bidding": 3, "econom*": 3, "market": 3, "alpha": 2.5,
        "=Sharpe": 2.5, "price": 1, "pricing": 1, "fraud": 2, "credit": 2, "budget": 2, "revenue": 1.5,
        "advertis*": 1.5, "business": 1.5, "customer": 1.5, "churn": 1.5, "risk": 1,
    },
    "science_health": {
        "biomedical": 4, "medical": 4, "clinical": 4, "health*": 4, "drug*": 3, "protein*": 3, "molecul*": 3,
        "physics": 3, "chemi*": 3, "weather": 3, "climate": 3, "meteorolog*": 3, "epidemi*": 3, "disease*": 3,
        "quantum": 2.5, "biolog*": 2, "genom*": 2, "cell": 2, "patient": 2, "cohort": 2, "materials science": 2,
        "material design": 2, "population": 0.5, "scientific": 1.5, "high energy": 2, "particle": 2, "=MRI": 1.5,
        "brain": 1.5,
        "=EEG": 2, "=ECG": 2, "radiolog*": 3, "patholog*": 3, "histolog*": 3, "tumor": 3, "tumour": 3,
        "cancer": 3, "x ray": 2, "gene expression": 2, "neuroscience": 3, "astronom*": 3, "finite element": 2,
        "fluid dynamics": 2, "=PDE": 2, "=PDEs": 2, "ecolog*": 2, "agricultur*": 2,
    },
    "other": {
        "active learning": 2.5, "continual learning": 2, "lifelong": 2, "clustering": 2, "ensemble": 1.5,
        "engineering design": 1.5, "education*": 1.5, "sustainab*": 1, "environmental": 1,
        "wireless": 2, "antenna": 2, "beamforming": 2, "=MIMO": 2, "satellite": 1.5,
    },
}
